// OAuth 2 for Xero: bearer token plus xero-tenant-id on every call, and the refresh that rotates a single-use refresh token.
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { hostAllowed } from "../../../../shared/connector/http";
import { classify } from "./classify";
import { XERO_TOKEN_URL, xeroConfig } from "./config";
import { TokenResponse } from "./schemas";

export const XERO_HOSTS = ["api.xero.com", "identity.xero.com"] as const;

// xero_accounting.yaml: every path takes components.parameters.requiredHeader (xero-tenant-id, required).
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  if (auth.accessToken) req.headers.authorization = `Bearer ${auth.accessToken}`;
  const tenant = auth.config.tenantId;
  if (typeof tenant === "string") req.headers["xero-tenant-id"] = tenant;
  req.headers.accept = "application/json";
}

export function tokenEndpoint(ctx: ConnectorContext): string {
  const cfg = xeroConfig(ctx);
  if (cfg.tokenUrl) return cfg.tokenUrl;
  const base = new URL(ctx.http.baseUrl);
  return hostAllowed(base.host, XERO_HOSTS) ? XERO_TOKEN_URL : `${ctx.http.baseUrl.replace(/\/+$/, "")}/connect/token`;
}

/**
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow/#refreshing-access-and-refresh-tokens — the
 * answer carries a new refresh token and the old one stops working, so the ConnectionActor persists it before use.
 */
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const { clientId, clientSecret, refreshToken } = ctx.connection.credentials;
  if (!clientId || !clientSecret || !refreshToken) {
    throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "Xero connection lacks clientId, clientSecret or refreshToken" });
  }
  const res = await ctx.http.raw({
    method: "POST",
    url: tokenEndpoint(ctx),
    anonymous: true,
    headers: { authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
  });
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const parsed = TokenResponse.safeParse(safeJson(res.text));
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "token_response", message: "Xero token response did not parse", status: res.status, body: res.text });
  return {
    accessToken: parsed.data.access_token,
    expiresAt: ctx.clock.now().getTime() + parsed.data.expires_in * 1000,
    refreshToken: parsed.data.refresh_token,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
