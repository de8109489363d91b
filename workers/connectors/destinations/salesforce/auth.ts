// Salesforce OAuth 2: client credentials (server-to-server) or a refresh token, against the org's My Domain token endpoint.
import type { ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { classify } from "./classify";
import { sfConfig } from "./config";
import { SfToken } from "./schemas";

// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm (grant_type=client_credentials)
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm (grant_type=refresh_token)
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const cfg = sfConfig(ctx);
  const { clientId, clientSecret, refreshToken } = ctx.connection.credentials;
  if (!clientId || !clientSecret) throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "Salesforce connection lacks clientId or clientSecret" });
  const form: Record<string, string> = refreshToken
    ? { grant_type: "refresh_token", client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken }
    : { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret };
  const res = await ctx.http.raw({
    method: "POST",
    url: cfg.tokenUrl ?? `${ctx.http.baseUrl.replace(/\/+$/, "")}/services/oauth2/token`,
    anonymous: true,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(form).toString(),
  });
  const problem = classify(res);
  if (problem) throw new ConnectorError({ ...problem, kind: problem.kind === "permanent" ? "auth" : problem.kind });
  const parsed = SfToken.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "token_response", message: "Salesforce token response did not parse", body: res.text });
  return { accessToken: parsed.data.access_token, expiresAt: ctx.clock.now().getTime() + cfg.sessionSeconds * 1000 };
}
