// Intacct sessions: getAPISession with sender + company login, then the session id in every request's authentication.
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { z } from "zod";
import { AUTH_PLACEHOLDER, envelope, GATEWAY_PATH } from "./api";
import { classify } from "./classify";
import { intacctConfig } from "./config";
import { ResponseDoc } from "./schemas";
import { el, parseXml } from "./xml";

export const INTACCT_HOSTS = ["api.intacct.com"] as const;

/** How long a session is used when the gateway names no timeout [UNVERIFIED: session length is a company setting]. */
const DEFAULT_SESSION_SECONDS = 30 * 60;

const Session = z.object({ sessionid: z.string(), endpoint: z.string().optional() });

/** Puts the session into the envelope's authentication (the gateway reads it from the XML body, not a header). */
export function authorize(req: { headers: Record<string, string>; body?: string }, auth: AuthMaterial): void {
  req.headers["content-type"] ??= "application/xml";
  if (!auth.accessToken || !req.body?.includes(AUTH_PLACEHOLDER)) return;
  const s = Session.parse(JSON.parse(auth.accessToken));
  req.body = req.body.replace(AUTH_PLACEHOLDER, el("authentication", [el("sessionid", s.sessionid)]));
}

/**
 * https://developer.intacct.com/web-services/your-first-api-calls/#get-an-api-session — sender credentials plus a
 * company login run getAPISession; the answer's sessionid authenticates later calls until it expires.
 */
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const cfg = intacctConfig(ctx);
  const { userId, userPassword } = ctx.connection.credentials;
  if (!userId || !userPassword) throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "Sage Intacct connection lacks userId or userPassword" });
  const login = el("authentication", [el("login", [el("userid", userId), el("companyid", cfg.companyId), el("password", userPassword)])]);
  const body = envelope(ctx, [{ controlid: crypto.randomUUID(), xml: "<getAPISession/>" }], login, false);
  const res = await ctx.http.raw({ method: "POST", url: GATEWAY_PATH, anonymous: true, headers: { "content-type": "application/xml", accept: "application/xml" }, body });
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const doc = ResponseDoc.parse(parseXml(res.text));
  const op = doc.response.operation?.[0];
  const api = op?.result?.[0]?.data;
  const s = typeof api === "object" ? api.api : undefined;
  if (!s) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: "Sage Intacct getAPISession answered no session", body: res.text });
  const timeout = Date.parse(op!.authentication.sessiontimeout ?? "");
  const expiresAt = Number.isFinite(timeout) ? timeout : ctx.clock.now().getTime() + DEFAULT_SESSION_SECONDS * 1000;
  return { accessToken: JSON.stringify({ sessionid: s.sessionid, endpoint: s.endpoint }), expiresAt };
}

