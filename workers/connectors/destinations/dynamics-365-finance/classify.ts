// F&O answers → the closed set of error kinds: service protection 429 + Retry-After, token failures, write failures.
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { FoError } from "./schemas";

/** Service protection always sends Retry-After; this is the fallback for a 429 from a proxy that did not. */
const THROTTLE_WAIT_SECONDS = 30;

// https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/service-protection-api-limits
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = null;
  }
  const parsed = FoError.safeParse(json);
  if (!parsed.success) {
    const detail = classifyStatus(res.status, res.text, res.status === 429 ? (retryAfter ?? THROTTLE_WAIT_SECONDS) : retryAfter)!;
    return { ...detail, message: `Finance & Operations HTTP ${res.status}${res.status === 401 ? " (token missing, expired or for another environment)" : ""}` };
  }
  const inner = parsed.data.error.innererror;
  const type = inner?.type?.split(".").pop();
  const vendorCode = type || parsed.data.error.code || String(res.status);
  const message = `Finance & Operations: ${inner?.message ?? parsed.data.error.message}`;
  const base = { status: res.status, vendorCode, body: res.text, message };
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? THROTTLE_WAIT_SECONDS };
  if (res.status === 409 || res.status === 412) return { ...base, kind: "conflict" };
  if (res.status === 408 || res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
