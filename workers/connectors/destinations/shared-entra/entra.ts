// Microsoft Entra ID client credentials (v2.0 endpoint) shared by both Dynamics 365 connectors: token request and errors.
import { z } from "zod";
import type { ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError, classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import { hostAllowed, type HttpResponse } from "../../../../shared/connector/http";

export const ENTRA_HOST = "login.microsoftonline.com";

/** `{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"…"}` */
export const EntraToken = z.object({
  token_type: z.string(),
  expires_in: z.coerce.number(),
  ext_expires_in: z.coerce.number().optional(),
  access_token: z.string().min(1),
});

/** `{"error":"invalid_client","error_description":"AADSTS7000215: …","error_codes":[7000215],"trace_id":…}` */
export const EntraError = z
  .object({ error: z.string(), error_description: z.string().optional(), error_codes: z.array(z.number()).optional() })
  .loose();

/**
 * The token endpoint: the configured one, Entra's for the tenant when the API base is Microsoft's own, or the one the
 * sandbox serves under the connection's base URL (`<base>/<tenant>/oauth2/v2.0/token`) when the base was overridden.
 */
export function tokenEndpoint(ctx: ConnectorContext, tenantId: string, configured: string | undefined, microsoftHosts: readonly string[]): string {
  if (configured) return configured;
  const base = new URL(ctx.http.baseUrl);
  const tenant = encodeURIComponent(tenantId);
  return hostAllowed(base.host, microsoftHosts) ? `https://${ENTRA_HOST}/${tenant}/oauth2/v2.0/token` : `${ctx.http.baseUrl.replace(/\/+$/, "")}/${tenant}/oauth2/v2.0/token`;
}

/** Entra answers: every OAuth error needs a person (wrong secret, app not consented, scope unknown); throttling and 5xx retry. */
export function classifyEntra(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 429 || res.status >= 500) return classifyStatus(res.status, res.text, retryAfter);
  let body: unknown = null;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = null;
  }
  const err = EntraError.safeParse(body);
  if (!err.success) return { ...classifyStatus(res.status, res.text, retryAfter)!, kind: "auth" };
  const code = err.data.error_codes?.[0];
  return {
    kind: "auth",
    status: res.status,
    vendorCode: code === undefined ? err.data.error : `AADSTS${code}`,
    message: `Entra ID ${err.data.error}: ${(err.data.error_description ?? "").split(/\r?\n/)[0]}`,
    body: res.text,
  };
}

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#first-case-access-token-request-with-a-shared-secret
export async function clientCredentialsToken(
  ctx: ConnectorContext,
  p: { tokenUrl: string; scope: string; product: string },
): Promise<TokenSet> {
  const { clientId, clientSecret } = ctx.connection.credentials;
  if (!clientId || !clientSecret) {
    throw new ConnectorError({ kind: "auth", message: `${p.product} connection lacks clientId or clientSecret`, vendorCode: "missing_credentials" });
  }
  const res = await ctx.http.raw({
    method: "POST",
    url: p.tokenUrl,
    anonymous: true,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: p.scope }).toString(),
  });
  const problem = classifyEntra(res);
  if (problem) throw new ConnectorError(problem);
  const parsed = EntraToken.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", message: "Entra ID token response did not parse", vendorCode: "token_response", status: res.status, body: res.text });
  return { accessToken: parsed.data.access_token, expiresAt: ctx.clock.now().getTime() + parsed.data.expires_in * 1000 };
}
