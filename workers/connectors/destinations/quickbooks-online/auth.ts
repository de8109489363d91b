// OAuth 2 for QBO: bearer on every call, and the refresh that rotates the refresh token (persist the newest).
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { hostAllowed } from "../../../../shared/connector/http";
import { INTUIT_TOKEN_URL, qboConfig } from "./config";
import { classify } from "./classify";
import { TokenResponse } from "./schemas";

export const INTUIT_HOSTS = ["quickbooks.api.intuit.com", "sandbox-quickbooks.api.intuit.com", "oauth.platform.intuit.com"] as const;

// https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features (Authorization: Bearer, Accept: application/json)
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  if (auth.accessToken) req.headers.authorization = `Bearer ${auth.accessToken}`;
  req.headers.accept = "application/json";
}

/** Intuit's token endpoint, or the one beside an overridden (non-Intuit) API base URL. */
export function tokenEndpoint(ctx: ConnectorContext): string {
  const cfg = qboConfig(ctx);
  if (cfg.tokenUrl) return cfg.tokenUrl;
  const base = new URL(ctx.http.baseUrl);
  return hostAllowed(base.host, INTUIT_HOSTS) ? INTUIT_TOKEN_URL : `${ctx.http.baseUrl.replace(/\/+$/, "")}/oauth2/v1/tokens/bearer`;
}

// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0#refresh-the-token
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const { clientId, clientSecret, refreshToken } = ctx.connection.credentials;
  if (!clientId || !clientSecret || !refreshToken) {
    throw new ConnectorError({ kind: "auth", message: "QuickBooks connection lacks clientId, clientSecret or refreshToken", vendorCode: "missing_credentials" });
  }
  const res = await ctx.http.raw({
    method: "POST",
    url: tokenEndpoint(ctx),
    anonymous: true,
    headers: {
      authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
  });
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const parsed = TokenResponse.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", message: "QuickBooks token response did not parse", vendorCode: "token_response", status: res.status, body: res.text });
  return {
    accessToken: parsed.data.access_token,
    expiresAt: ctx.clock.now().getTime() + parsed.data.expires_in * 1000,
    refreshToken: parsed.data.refresh_token,
  };
}
