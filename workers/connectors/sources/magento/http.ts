// Adobe Commerce REST bearer auth (an integration or admin token) and response classification.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

export const API_VERSION = "V1 (2.4.9)";

/**
 * https://developer.adobe.com/commerce/webapi/get-started/authentication/gs-authentication-token/ — `Authorization:
 * Bearer <token>`: an admin token (4 h) or an integration access token (needs oauth/consumer/enable_integration_as_bearer
 * since 2.4.4; does not expire, which is what a server-to-server sweep wants).
 */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const token = auth.accessToken ?? auth.credentials.accessToken;
  if (!token) throw new ConnectorError({ kind: "auth", message: "Magento connection has no accessToken", vendorCode: "missing_token" });
  req.headers.Authorization = `Bearer ${token}`;
}

/** Error body: {"message": "The consumer isn't authorized to access %resources.", "parameters": {...}}. */
function magentoMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; parameters?: unknown };
    if (typeof body.message !== "string") return undefined;
    const params = body.parameters;
    return body.message.replace(/%(\w+)/g, (_, k: string) =>
      params && typeof params === "object" && k in params ? String((params as Record<string, unknown>)[k]) : Array.isArray(params) ? String(params[Number(k) - 1] ?? `%${k}`) : `%${k}`,
    );
  } catch {
    return undefined;
  }
}

/** 401/403 auth; 429 rate_limited (hosting/WAF; core limits only checkout endpoints); 5xx retryable; 4xx permanent. */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const message = magentoMessage(res.text);
  const base = { status: res.status, vendorCode: String(res.status), body: res.text, message: `Magento ${res.status}${message ? `: ${message}` : ""}` };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 60 };
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
