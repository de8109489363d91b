// Simulated Microsoft Entra ID v2.0 token endpoint (client credentials) and bearer checks, for both Dynamics simulators.
import type { Context } from "hono";
import type { SimContext } from "../../kit";

interface IssuedToken {
  clientId: string;
  tenant: string;
  audience: string;
  issuedAt: number;
  expiresAt: number;
}

export interface EntraOptions {
  /** The app registration accepted when none was added with /_sim/clients (demo credentials). */
  defaultClient: { id: string; secret: string };
  /** The resource (audience) a `<resource>/.default` scope names, or null when this API does not know it. */
  audienceOf(resource: string): string | null;
}

function entraError(sim: SimContext, status: number, error: string, code: number, description: string): Response {
  const now = sim.now();
  const trace = crypto.randomUUID();
  // Shape of Entra's token error (learn.microsoft.com …/v2-oauth2-client-creds-grant-flow#error-response).
  return Response.json(
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${crypto.randomUUID()} Timestamp: ${now.toISOString().replace("T", " ").slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: now.toISOString().replace("T", " ").slice(0, 19) + "Z",
      trace_id: trace,
      correlation_id: crypto.randomUUID(),
      error_uri: "https://login.microsoftonline.com/error?code=" + code,
    },
    { status },
  );
}

function clientSecret(sim: SimContext, opts: EntraOptions, clientId: string): string | null {
  const added = sim.store.get<{ secret: string }>("entra-clients", clientId);
  if (added) return added.secret;
  const cfg = sim.config();
  const id = String(cfg.clientId ?? opts.defaultClient.id);
  return clientId === id ? String(cfg.clientSecret ?? opts.defaultClient.secret) : null;
}

/** Registers another app (tests: a second connection that must not share tokens). */
export function addClient(sim: SimContext, clientId: string, secret: string): void {
  sim.store.put("entra-clients", clientId, { secret });
}

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#get-a-token
export async function tokenEndpoint(c: Context, sim: SimContext, opts: EntraOptions): Promise<Response> {
  const tenant = c.req.param("tenant") ?? "";
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const grant = form.get("grant_type");
  if (!grant) return entraError(sim, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (grant !== "client_credentials") return entraError(sim, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`);
  const clientId = form.get("client_id") ?? "";
  if (!clientId) return entraError(sim, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const secret = clientSecret(sim, opts, clientId);
  if (secret === null) {
    return entraError(sim, 400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
  }
  if (form.get("client_secret") !== secret) {
    return entraError(sim, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
  }
  const scope = form.get("scope") ?? "";
  if (!scope.endsWith("/.default")) {
    return entraError(sim, 400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const audience = opts.audienceOf(scope.slice(0, -"/.default".length));
  if (!audience) {
    return entraError(sim, 400, "invalid_resource", 500011, `The resource principal named ${scope.slice(0, -"/.default".length)} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
  }
  const ttl = Number(sim.config().accessTokenTtlSeconds ?? 3599);
  const now = sim.now().getTime();
  const rand = () => Math.floor(sim.random() * 2 ** 32).toString(36);
  const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${btoa(JSON.stringify({ aud: audience, tid: tenant, appid: clientId })).replace(/=+$/, "")}.${rand()}${rand()}${rand()}`;
  sim.store.put("entra-tokens", accessToken, { clientId, tenant, audience, issuedAt: now, expiresAt: now + ttl * 1000 } satisfies IssuedToken);
  return Response.json({ token_type: "Bearer", expires_in: ttl, ext_expires_in: ttl, access_token: accessToken });
}

/** Checks `Authorization: Bearer …`; returns the reason it is refused, or the token's claims. */
export function checkBearer(c: Context, sim: SimContext, audience: (aud: string) => boolean): { ok: true; token: IssuedToken } | { ok: false; reason: string } {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("tokensValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!m) return { ok: false, reason: "missing" };
  const t = sim.store.get<IssuedToken>("entra-tokens", m[1]!);
  if (!t) return { ok: false, reason: "invalid" };
  if (t.expiresAt <= sim.now().getTime() || t.issuedAt <= sim.store.getSetting<number>("tokensValidAfter", 0)) return { ok: false, reason: "expired" };
  if (!audience(t.audience)) return { ok: false, reason: "audience" };
  return { ok: true, token: t };
}
