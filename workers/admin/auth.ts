// Admin access: a bearer token (or the cookie set by the login form), compared in constant time; cookie writes only from this origin.
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { timingSafeEqual, utf8 } from "../../shared/webhooks/signature";

export const COOKIE = "om_admin";

export function tokenMatches(env: Env, given: string | undefined | null): boolean {
  const expected = env.ADMIN_TOKEN ?? "";
  if (!expected || !given) return false;
  return timingSafeEqual(utf8(given), utf8(expected));
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const requireAdmin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const header = c.req.header("authorization");
  const bearer = header?.startsWith("Bearer ") ? header.slice(7) : null;
  if (tokenMatches(c.env, bearer)) return next();
  if (tokenMatches(c.env, getCookie(c, COOKIE))) {
    // A browser attaches the cookie to whatever a page makes it send. SameSite=Strict keeps other sites out, but not
    // sibling hosts of the same site, so a state-changing request must come from this very origin.
    if (SAFE_METHODS.has(c.req.method) || sameOrigin(c)) return next();
    return c.json({ error: "cross-origin request refused" }, 403);
  }
  if (c.req.path.startsWith("/admin/api/") || c.req.method !== "GET") return c.json({ error: "unauthorized" }, 401);
  return c.redirect("/admin/login");
};

/**
 * The request names this origin in `Origin`, or (a browser that sent none) in `Sec-Fetch-Site`; neither: refused.
 * https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#using-standard-headers-to-verify-origin
 */
function sameOrigin(c: Parameters<MiddlewareHandler>[0]): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === new URL(c.req.url).origin;
  return c.req.header("sec-fetch-site") === "same-origin";
}

export function setSession(c: Parameters<MiddlewareHandler>[0], token: string): void {
  setCookie(c, COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/admin", secure: new URL(c.req.url).protocol === "https:", maxAge: 8 * 3600 });
}
