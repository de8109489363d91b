// WooCommerce REST auth (consumer key/secret over HTTP Basic) and response classification keeping the WP error code.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

export const API_VERSION = "wc/v3";
export const API_BASE = "/wp-json/wc/v3";

/**
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication-over-https — over HTTPS the consumer key
 * and secret go in HTTP Basic auth (OAuth 1.0a one-legged is only for plain HTTP, which OrderMesh does not use).
 */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const { consumerKey, consumerSecret } = auth.credentials;
  if (!consumerKey || !consumerSecret) {
    throw new ConnectorError({ kind: "auth", message: "WooCommerce connection lacks consumerKey/consumerSecret", vendorCode: "missing_credentials" });
  }
  req.headers.Authorization = `Basic ${btoa(`${consumerKey}:${consumerSecret}`)}`;
}

/** WP REST errors: {"code":"woocommerce_rest_cannot_view","message":"…","data":{"status":401}}. */
function wpError(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown } | null;
    return { code: typeof body?.code === "string" ? body.code : undefined, message: typeof body?.message === "string" ? body.message : undefined };
  } catch {
    return {};
  }
}

/** 401/403 auth; 429 rate_limited (hosts and WAFs add limits, core has none); 5xx retryable; other 4xx permanent. */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const e = wpError(res.text);
  const base = {
    status: res.status,
    vendorCode: e.code ?? String(res.status),
    body: res.text,
    message: `WooCommerce ${res.status}${e.message ? `: ${e.message}` : ""}`,
  };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 30 };
  if (res.status >= 500 || res.status === 408) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
