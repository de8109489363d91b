// S/4HANA auth: Basic (communication user) on every call, plus the CSRF token and session cookies every write needs.
import type { AuthMaterial, ConnectorContext, TokenSet } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { SALES_ORDER_SERVICE } from "./api";
import { classify } from "./classify";

export const CREDENTIAL_KEYS = ["user", "password"] as const;

/** The CSRF token with the cookies of the session it belongs to, cached by the ConnectionActor as one JSON value. */
interface CsrfSession {
  token: string;
  cookie: string;
}

function basic(credentials: Record<string, string>): string {
  const { user, password } = credentials;
  if (!user || !password) throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "S/4HANA connection lacks user or password" });
  return `Basic ${btoa(`${user}:${password}`)}`;
}

/** `name=value` of every Set-Cookie (SAP_SESSIONID_<SID>_<client>, sap-usercontext), joined for a Cookie header. */
function cookieHeader(headers: Headers): string {
  const lines = typeof headers.getSetCookie === "function" ? headers.getSetCookie() : (headers.get("set-cookie") ?? "").split(/,(?=\s*[A-Za-z0-9_-]+=)/);
  return lines
    .map((l) => /^\s*([^=;\s]+=[^;]*)/.exec(l)?.[1])
    .filter((x): x is string => !!x)
    .join("; ");
}

/**
 * The CSRF handshake (destinations.md §10 [V], SAP Cloud SDK): `GET <service root>/` with `x-csrf-token: Fetch`
 * answers the token in `x-csrf-token` and the session cookies; both go on every modifying request. The token lives as
 * long as the session: it is treated as good for 25 minutes, and a 403 "CSRF token validation failed" fetches anew.
 */
// https://github.com/SAP/cloud-sdk-js/issues/1037 (a refused write: 403, text/plain "CSRF token validation failed")
export async function refreshAccessToken(ctx: ConnectorContext): Promise<TokenSet> {
  const res = await ctx.http.raw({
    method: "GET",
    url: `${SALES_ORDER_SERVICE}/`,
    anonymous: true,
    headers: { authorization: basic(ctx.connection.credentials), "x-csrf-token": "Fetch", accept: "application/json" },
  });
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const token = res.headers.get("x-csrf-token");
  if (!token || token.toLowerCase() === "required") {
    throw new ConnectorError({ kind: "auth", vendorCode: "csrf", message: "S/4HANA answered the CSRF fetch without a token", status: res.status });
  }
  const session: CsrfSession = { token, cookie: cookieHeader(res.headers) };
  return { accessToken: JSON.stringify(session), expiresAt: ctx.clock.now().getTime() + 25 * 60_000 };
}

export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  req.headers.authorization = basic(auth.credentials);
  req.headers.accept = "application/json";
  if (!auth.accessToken) return;
  try {
    const s = JSON.parse(auth.accessToken) as CsrfSession;
    req.headers["x-csrf-token"] = s.token;
    if (s.cookie) req.headers.cookie = s.cookie;
  } catch {
    // a token that does not parse is as good as none: the write is refused with 403 and a new one fetched
  }
}
