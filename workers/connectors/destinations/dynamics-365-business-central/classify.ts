// Business Central answers → the closed set of error kinds, keeping BC's own error code ({"error":{"code","message"}}).
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { ODataError } from "./schemas";

/** BC does not always send Retry-After with a 429; the limits are per 5-minute window, so wait a while. */
const THROTTLE_WAIT_SECONDS = 30;

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamic-error-codes
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = null;
  }
  const parsed = ODataError.safeParse(json);
  const code = parsed.success ? parsed.data.error.code : String(res.status);
  const message = `Business Central ${code}: ${parsed.success ? parsed.data.error.message : `HTTP ${res.status}`}`;
  const base = { status: res.status, vendorCode: code, body: res.text, message };
  if (res.status === 401 || /^Authentication_/.test(code)) return { ...base, kind: "auth" };
  if (res.status === 403 || /^Authorization_/.test(code)) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? THROTTLE_WAIT_SECONDS };
  // A stale @odata.etag is 409 Request_EntityChanged ("Another user has already changed the record"); 412 from proxies.
  if (code === "Request_EntityChanged" || res.status === 409 || res.status === 412) return { ...base, kind: "conflict" };
  if (res.status === 408 || res.status >= 500 || code === "Internal_ServerError" || code === "Internal_TenantUnavailable") {
    return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  }
  if (!parsed.success) return { ...classifyStatus(res.status, res.text, retryAfter)!, vendorCode: code };
  return { ...base, kind: "permanent" };
}
