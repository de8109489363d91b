// Shopify REST auth header and response classification (keeping Shopify's `errors` body).
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

export const API_VERSION = "2024-04";
export const ACCESS_TOKEN_HEADER = "X-Shopify-Access-Token";

/** https://shopify.dev/docs/api/admin-rest#authentication — a custom-app or OAuth access token in X-Shopify-Access-Token. */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const token = auth.credentials.accessToken;
  if (!token) throw new ConnectorError({ kind: "auth", message: "Shopify connection has no accessToken credential", vendorCode: "missing_token" });
  req.headers[ACCESS_TOKEN_HEADER] = token;
}

/** Shopify error bodies: {"errors": "text"} | {"errors": {"field": ["msg"]}} | {"errors": ["msg"]}. */
function shopifyErrors(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (typeof errors === "string") return errors;
  if (Array.isArray(errors)) return errors.map(String).join("; ");
  if (errors && typeof errors === "object") {
    return Object.entries(errors)
      .map(([field, msg]) => `${field}: ${Array.isArray(msg) ? msg.join(", ") : String(msg)}`)
      .join("; ");
  }
  return undefined;
}

/**
 * 401/403 auth; 429 rate_limited with Retry-After (1 s when absent, as shopify-api-js RETRY_WAIT_TIME,
 * https://shopify.dev/docs/api/admin-rest/usage/rate-limits); 5xx retryable; other 4xx permanent.
 */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const errors = shopifyErrors(res.text);
  const base = { status: res.status, vendorCode: String(res.status), body: res.text, message: `Shopify ${res.status}${errors ? `: ${errors}` : ""}` };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 1 };
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
