// Toast API auth (client-credentials login → Bearer token, plus the restaurant header) and response classification.
import type { AuthMaterial, ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { LoginResponse } from "./schemas";

export const API_VERSION = "orders/v2 (spec 2.6.5)";
export const RESTAURANT_HEADER = "Toast-Restaurant-External-ID";

/** Every Orders API call names the restaurant (https://doc.toasttab.com/doc/devguide/apiHttpHeaders.html). */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const guid = auth.config.restaurantGuid;
  if (typeof guid !== "string" || guid === "") throw new ConnectorError({ kind: "permanent", message: "Toast connection has no restaurantGuid", vendorCode: "missing_restaurant" });
  req.headers[RESTAURANT_HEADER] = guid;
}

/** Tokens by API base and client: a login serves every sweep page until shortly before it expires. */
const tokens = new Map<string, { token: string; expiresAt: number }>();

/**
 * POST /authentication/v1/authentication/login with the machine client's id and secret
 * (https://doc.toasttab.com/openapi/authentication/operation/authenticationLoginPost); the token lives `expiresIn` seconds.
 */
export async function bearer(ctx: ConnectorContext): Promise<string> {
  const { clientId, clientSecret } = ctx.connection.credentials;
  if (!clientId || !clientSecret) throw new ConnectorError({ kind: "auth", message: "Toast connection lacks clientId/clientSecret", vendorCode: "missing_credentials" });
  const key = `${ctx.http.baseUrl}|${clientId}`;
  const now = ctx.clock.now().getTime();
  const cached = tokens.get(key);
  if (cached && cached.expiresAt > now) return cached.token;
  const res = await ctx.http.send({
    method: "POST",
    url: "/authentication/v1/authentication/login",
    anonymous: true,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ clientId, clientSecret, userAccessType: "TOAST_MACHINE_CLIENT" }),
  });
  const parsed = LoginResponse.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", message: "Toast login answered without a token", vendorCode: "bad_login_response", body: res.text });
  const ttl = (parsed.data.token.expiresIn ?? 3600) * 1000;
  tokens.set(key, { token: parsed.data.token.accessToken, expiresAt: now + Math.max(0, ttl - 60_000) });
  return parsed.data.token.accessToken;
}

/** A token the API refused is dropped, so the next call logs in again. */
export function forgetToken(ctx: ConnectorContext): void {
  tokens.delete(`${ctx.http.baseUrl}|${ctx.connection.credentials.clientId ?? ""}`);
}

/** Toast errors: {"status", "code", "message", "requestId", "canRetry", …} (https://doc.toasttab.com/doc/devguide/apiErrorResponses.html). */
function toastError(text: string): { code?: string; message?: string } {
  try {
    const b = JSON.parse(text) as { code?: unknown; message?: unknown } | null;
    return { code: b?.code !== undefined && b?.code !== null ? String(b.code) : undefined, message: typeof b?.message === "string" ? b.message : undefined };
  } catch {
    return {};
  }
}

/**
 * 401/403 auth; 429 rate_limited, waiting for Retry-After or X-Toast-RateLimit-Reset (epoch seconds) — Toast allows
 * 5 ordersBulk requests per second per location (https://doc.toasttab.com/doc/devguide/apiRateLimiting.html);
 * 5xx retryable; other 4xx permanent.
 */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const e = toastError(res.text);
  const base = { status: res.status, vendorCode: e.code ?? String(res.status), body: res.text, message: `Toast ${res.status}${e.message ? `: ${e.message}` : ""}` };
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) {
    const reset = Number(res.headers.get("x-toast-ratelimit-reset"));
    const untilReset = Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : undefined;
    return { ...base, kind: "rate_limited", retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after")) ?? untilReset ?? 1 };
  }
  if (res.status >= 500 || res.status === 408) return { ...base, kind: "retryable", retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after")) };
  return { ...base, kind: "permanent" };
}
