// Zoho OAuth 2: `Authorization: Zoho-oauthtoken …` on every call, and the non-rotating refresh at the DC's accounts server.
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { hostAllowed } from "../../../../shared/connector/http";
import { classify } from "./classify";
import { ACCOUNTS_HOSTS, API_HOSTS, zohoConfig } from "./config";
import { TokenResponse } from "./schemas";

export const ZOHO_HOSTS = [...API_HOSTS, ...ACCOUNTS_HOSTS];

// https://www.zoho.com/books/api/v3/oauth/ — "Authorization: Zoho-oauthtoken 1000.41d9…"
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  if (auth.accessToken) req.headers.authorization = `Zoho-oauthtoken ${auth.accessToken}`;
  req.headers.accept = "application/json";
}

export function tokenEndpoint(ctx: ConnectorContext): string {
  const cfg = zohoConfig(ctx);
  if (cfg.tokenUrl) return cfg.tokenUrl;
  const base = new URL(ctx.http.baseUrl);
  if (!hostAllowed(base.host, API_HOSTS)) return `${ctx.http.baseUrl.replace(/\/+$/, "")}/oauth/v2/token`;
  const accounts = cfg.dataCenter === "ca" ? "accounts.zohocloud.ca" : `accounts.zoho.${cfg.dataCenter}`;
  return `https://${accounts}/oauth/v2/token`;
}

/**
 * https://www.zoho.com/books/api/v3/oauth/#refresh-access-token — POST …/oauth/v2/token?refresh_token=…&client_id=…
 * &client_secret=…&grant_type=refresh_token; the refresh token does not rotate, access tokens live an hour.
 */
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const { clientId, clientSecret, refreshToken } = ctx.connection.credentials;
  if (!clientId || !clientSecret || !refreshToken) {
    throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "Zoho Books connection lacks clientId, clientSecret or refreshToken" });
  }
  const res = await ctx.http.raw({
    method: "POST",
    url: tokenEndpoint(ctx),
    anonymous: true,
    query: { refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token" },
  });
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    // reported below
  }
  const parsed = TokenResponse.safeParse(json);
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "token_response", message: "Zoho token response did not parse", status: res.status, body: res.text });
  return { accessToken: parsed.data.access_token, expiresAt: ctx.clock.now().getTime() + parsed.data.expires_in * 1000 };
}
