// Admin access: a bearer token (or the cookie set by the login form), compared in constant time.
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { timingSafeEqual, utf8 } from "../../shared/webhooks/signature";

export const COOKIE = "om_admin";

export function tokenMatches(env: Env, given: string | undefined | null): boolean {
  const expected = env.ADMIN_TOKEN ?? "";
  if (!expected || !given) return false;
  return timingSafeEqual(utf8(given), utf8(expected));
}

export const requireAdmin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const header = c.req.header("authorization");
  const bearer = header?.startsWith("Bearer ") ? header.slice(7) : null;
  if (tokenMatches(c.env, bearer) || tokenMatches(c.env, getCookie(c, COOKIE))) return next();
  if (c.req.path.startsWith("/admin/api/") || c.req.method !== "GET") return c.json({ error: "unauthorized" }, 401);
  return c.redirect("/admin/login");
};

export function setSession(c: Parameters<MiddlewareHandler>[0], token: string): void {
  setCookie(c, COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/admin", secure: new URL(c.req.url).protocol === "https:", maxAge: 8 * 3600 });
}
