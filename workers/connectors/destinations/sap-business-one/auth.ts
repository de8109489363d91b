// SAP B1 Service Layer sessions: POST /Login → B1SESSION + ROUTEID cookies, sent on every call until they expire.
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { b1Config } from "./config";
import { classify } from "./classify";
import { LoginResponse } from "./schemas";

export const CREDENTIAL_KEYS = ["userName", "password"] as const;

/** What the ConnectionActor caches as the "access token": both cookies, JSON-encoded. */
interface Session {
  B1SESSION: string;
  ROUTEID?: string;
}

/** Cookie name → value from Set-Cookie headers (`B1SESSION=<guid>;HttpOnly;`, `ROUTEID=.node1; path=/b1s`). */
export function cookiesOf(headers: Headers): Record<string, string> {
  const lines = typeof headers.getSetCookie === "function" ? headers.getSetCookie() : (headers.get("set-cookie") ?? "").split(/,(?=\s*[A-Za-z0-9_]+=)/);
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * Logs in: `POST /b1s/v1/Login {"CompanyDB","UserName","Password"}` (SAP's own sample,
 * ../shared/specs/sap-business-one/sample_Login_POST_request.json). The session lasts SessionTimeout minutes (30 by
 * default, sliding); it is treated as ending a minute early, and a 401 (code 301) before that logs in again.
 */
// https://learning.sap.com/courses/leveraging-the-sap-business-one-service-layer (Logging in/out using the Service Layer)
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const { userName, password } = ctx.connection.credentials;
  if (!userName || !password) throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "SAP Business One connection lacks userName or password" });
  const cfg = b1Config(ctx);
  const res = await ctx.http.raw({
    method: "POST",
    url: "/b1s/v1/Login",
    anonymous: true,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ CompanyDB: cfg.companyDB, UserName: userName, Password: password }),
  });
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const parsed = LoginResponse.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "login_response", message: "SAP Business One Login answer did not parse", body: res.text });
  const cookies = cookiesOf(res.headers);
  const session: Session = { B1SESSION: cookies.B1SESSION ?? parsed.data.SessionId, ...(cookies.ROUTEID ? { ROUTEID: cookies.ROUTEID } : {}) };
  const minutes = parsed.data.SessionTimeout ?? 30;
  return { accessToken: JSON.stringify(session), expiresAt: ctx.clock.now().getTime() + Math.max(1, minutes - 1) * 60_000 };
}

/** Sends the session cookies; without a session the Service Layer answers 401 and the actor logs in. */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  req.headers.accept = "application/json";
  if (!auth.accessToken) return;
  let session: Session;
  try {
    session = JSON.parse(auth.accessToken) as Session;
  } catch {
    return;
  }
  req.headers.cookie = [`B1SESSION=${session.B1SESSION}`, session.ROUTEID ? `ROUTEID=${session.ROUTEID}` : ""].filter(Boolean).join("; ");
}
