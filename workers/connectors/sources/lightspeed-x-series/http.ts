// X-Series API auth (Bearer personal token or OAuth access token) and response classification keeping its error text.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

export const API_VERSION = "2.0";
export const API_BASE = "/api/2.0";

/** https://x-series-api.lightspeedhq.com/docs/authorization — `Authorization: Bearer <token>` (personal token or OAuth). */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const token = auth.credentials.accessToken;
  if (!token) throw new ConnectorError({ kind: "auth", message: "X-Series connection has no accessToken credential", vendorCode: "missing_token" });
  req.headers.Authorization = `Bearer ${token}`;
}

/** Error bodies: {"error": "Too Many Requests", "message": "Rate limiting enforced"} or {"error": "…"}. */
function vendError(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown } | null;
    const parts = [body?.error, body?.message].filter((p): p is string => typeof p === "string" && p !== "");
    return parts.length ? parts.join(": ") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * 401/403 auth; 429 rate_limited with Retry-After, an HTTP-date on X-Series
 * (https://x-series-api.lightspeedhq.com/docs/rate_limiting); 5xx retryable; other 4xx permanent.
 */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const message = vendError(res.text);
  const base = { status: res.status, vendorCode: String(res.status), body: res.text, message: `X-Series ${res.status}${message ? `: ${message}` : ""}` };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 60 };
  if (res.status >= 500 || res.status === 408) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
