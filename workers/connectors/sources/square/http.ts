// Square API auth headers (bearer token + pinned Square-Version) and response classification keeping Square's error codes.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

/** https://developer.squareup.com/docs/build-basics/versioning-overview — every request names the version it speaks. */
export const API_VERSION = "2025-08-20";

/** https://developer.squareup.com/docs/build-basics/access-tokens — `Authorization: Bearer <access token>`. */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const token = auth.credentials.accessToken;
  if (!token) throw new ConnectorError({ kind: "auth", message: "Square connection has no accessToken credential", vendorCode: "missing_token" });
  req.headers.Authorization = `Bearer ${token}`;
  req.headers["Square-Version"] = API_VERSION;
  req.headers.Accept = "application/json";
}

/** https://developer.squareup.com/reference/square/objects/Error — {errors: [{category, code, detail, field}]}. */
function squareError(text: string): { code?: string; detail?: string } {
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: unknown; detail?: unknown; field?: unknown }> } | null;
    const first = body?.errors?.[0];
    if (!first) return {};
    const detail = [first.detail, first.field ? `(field ${String(first.field)})` : undefined].filter(Boolean).join(" ");
    return { code: typeof first.code === "string" ? first.code : undefined, detail: detail || undefined };
  } catch {
    return {};
  }
}

/**
 * 401/403 auth (UNAUTHORIZED, ACCESS_TOKEN_EXPIRED, INSUFFICIENT_SCOPES…); 429 RATE_LIMITED (Square publishes no
 * numbers and no Retry-After is documented [UNVERIFIED], so the queue's backoff decides unless one is sent);
 * 409 conflict; 5xx retryable; other 4xx permanent.
 * https://developer.squareup.com/docs/build-basics/handling-errors
 */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const { code, detail } = squareError(res.text);
  const base = {
    status: res.status,
    vendorCode: code ?? String(res.status),
    body: res.text,
    message: `Square ${res.status}${code ? ` ${code}` : ""}${detail ? `: ${detail}` : ""}`,
  };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter };
  if (res.status === 409) return { ...base, kind: "conflict" };
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
