// Revel API-AUTHENTICATION header and response classification.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

/** Revel's REST resources carry no version in the path; the OrderAllInOne shape pinned is the 2.76 one. */
export const API_VERSION = "2.76";
export const AUTH_HEADER = "API-AUTHENTICATION";

/** https://developer-qa.revelup.io/docs/authentication-types — `API-AUTHENTICATION: <key>:<secret>` over HTTPS. */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const { apiKey, apiSecret } = auth.credentials;
  if (!apiKey || !apiSecret) throw new ConnectorError({ kind: "auth", message: "Revel connection lacks apiKey/apiSecret", vendorCode: "missing_credentials" });
  req.headers[AUTH_HEADER] = `${apiKey}:${apiSecret}`;
}

/** Tastypie error bodies: {"error_message": "…"} or {"error": "…"} (UNVERIFIED beyond the HTTP status). */
function revelError(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error_message?: unknown; error?: unknown; detail?: unknown };
    const m = body.error_message ?? body.error ?? body.detail;
    return typeof m === "string" ? m : undefined;
  } catch {
    return undefined;
  }
}

/** 401/403 auth; 429 rate_limited (Retry-After, else 60 s); 5xx retryable; other 4xx permanent. */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const message = revelError(res.text);
  const base = { status: res.status, vendorCode: String(res.status), body: res.text, message: `Revel ${res.status}${message ? `: ${message}` : ""}` };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 60 };
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
