// Lightspeed Retail (R-Series) bearer auth, OAuth refresh, and response classification (leaky-bucket 429s kept exact).
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { TokenResponse } from "./schemas";

export const API_VERSION = "V3";
/** https://developers.lightspeedhq.com/retail/authentication/authentication-overview/ (the current authorization server). */
export const TOKEN_URL = "https://cloud.lightspeedapp.com/auth/oauth/token";

/** https://developers.lightspeedhq.com/retail/authentication/authentication-overview/ — `Authorization: Bearer <access token>`. */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const token = auth.accessToken ?? auth.credentials.accessToken;
  if (!token) throw new ConnectorError({ kind: "auth", message: "Lightspeed connection has no access token", vendorCode: "missing_token" });
  req.headers.Authorization = `Bearer ${token}`;
}

/**
 * refresh_token grant. Lightspeed's authorization server rotates refresh tokens: the response carries a new one that
 * replaces the old (the caller persists it before using the access token).
 */
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const { clientId, clientSecret, refreshToken } = ctx.connection.credentials;
  if (!clientId || !clientSecret || !refreshToken) {
    throw new ConnectorError({ kind: "auth", message: "Lightspeed token refresh needs clientId, clientSecret and refreshToken", vendorCode: "missing_credentials" });
  }
  const tokenUrl = typeof ctx.connection.config.tokenUrl === "string" ? ctx.connection.config.tokenUrl : TOKEN_URL;
  const res = await ctx.http.send({
    method: "POST",
    url: tokenUrl,
    anonymous: true,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken }).toString(),
  });
  const r = TokenResponse.safeParse(res.json());
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: "Lightspeed token response has no access_token/expires_in", vendorCode: "bad_token_response", body: res.text });
  return { accessToken: r.data.access_token, expiresAt: ctx.clock.now().getTime() + r.data.expires_in * 1000, refreshToken: r.data.refresh_token };
}

/** Lightspeed error bodies: {"httpCode":"429","httpMessage":"Too Many Requests","message":"…","errorClass":"RateLimitedException"}. */
function lightspeedError(text: string): { message?: string; errorClass?: string } {
  try {
    const body = JSON.parse(text) as { message?: unknown; errorClass?: unknown };
    return {
      message: typeof body.message === "string" ? body.message : undefined,
      errorClass: typeof body.errorClass === "string" ? body.errorClass : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Seconds until the leaky bucket has room again, from X-LS-API-Bucket-Level ("92.57/90") and X-LS-API-Drip-Rate
 * (https://developers.lightspeedhq.com/retail/introduction/ratelimits/), when a 429 carries no Retry-After.
 */
export function bucketWait(headers: Headers): number | undefined {
  const level = /^([\d.]+)\/([\d.]+)$/.exec(headers.get("x-ls-api-bucket-level") ?? "");
  const drip = Number(headers.get("x-ls-api-drip-rate"));
  if (!level || !(drip > 0)) return undefined;
  const over = Number(level[1]) - Number(level[2]) + 1;
  return Math.max(1, Math.ceil(over / drip));
}

/** 401/403 auth; 429 rate_limited (Retry-After, else the bucket level); 5xx retryable; other 4xx permanent. */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const err = lightspeedError(res.text);
  const base = {
    status: res.status,
    vendorCode: err.errorClass ?? String(res.status),
    body: res.text,
    message: `Lightspeed ${res.status}${err.message ? `: ${err.message}` : ""}`,
  };
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) {
    return { ...base, kind: "rate_limited", retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after")) ?? bucketWait(res.headers) ?? 1 };
  }
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after")) };
  return { ...base, kind: "permanent" };
}
