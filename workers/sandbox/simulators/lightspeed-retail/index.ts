// The Lightspeed Retail (R-Series) sandbox: API V3 Sale/SaleLine reads, OAuth refresh, leaky-bucket limits, register lifecycle.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { completeSale, returnSale, SimError, voidSale } from "./lifecycle";
import { cursorOf, page, QueryError, readListQuery } from "./query";
import { loadSale, readRelations, render, salesOf, saveSale, seed, settings, type Json, type StoredSale } from "./records";

/**
 * One connection's allowance (https://developers.lightspeedhq.com/retail/introduction/ratelimits/): a bucket of 90
 * drips leaking 1 per second (single-register account), GET = 1 drip, count=1 = 10 drips; and a burst limiter of 20
 * requests per 1-second window. The first request that overflows the bucket still passes; the next ones get 429.
 */
const BUCKET_SIZE = 90;
const DRIP_PER_SECOND = 1;
const BURST_PER_SECOND = 20;
const ACCESS_TOKEN_TTL_SECONDS = 3600;

const buckets = new Map<string, { level: number; at: number }>();

/** Lightspeed's JSON error body. */
function error(status: number, message: string, errorClass: string, headers: Record<string, string> = {}): Response {
  const httpMessage: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" };
  return Response.json({ httpCode: String(status), httpMessage: httpMessage[status] ?? "Error", message, errorClass }, { status, headers });
}

function bucketHeaders(level: number, accountId: string, cost: number): Record<string, string> {
  return {
    "X-LS-Acct-Id": accountId,
    "X-LS-API-Bucket-Level": `${Number(level.toFixed(2))}/${BUCKET_SIZE}`,
    "X-LS-API-Drip-Rate": String(DRIP_PER_SECOND),
    "X-LS-API-Request-Cost": String(cost),
  };
}

/** Drains the bucket for the time passed, then adds this request's cost, or answers 429 as Lightspeed does. */
function throttle(sim: SimContext, accountId: string, cost: number): Response | Record<string, string> {
  const scale = sim.faults().timeScale ?? 1;
  const now = Date.now();
  const b = buckets.get(accountId) ?? { level: 0, at: now };
  b.level = Math.max(0, b.level - ((now - b.at) / 1000) * DRIP_PER_SECOND * scale);
  b.at = now;
  buckets.set(accountId, b);
  if (b.level >= BUCKET_SIZE) {
    sim.bump("throttled");
    const wait = Math.max(1, Math.ceil((b.level - BUCKET_SIZE + cost) / (DRIP_PER_SECOND * scale)));
    return error(429, "Rate Limit Exceeded: Please decrease your request volume.", "RateLimitedException", {
      ...bucketHeaders(b.level, accountId, cost),
      "X-LS-API-RateLimit-Type": "api-leaky-bucket",
      "Retry-After": String(wait),
    });
  }
  if (sim.rateLimit(`burst:${accountId}`, BURST_PER_SECOND, 1) > 0) {
    sim.bump("throttled");
    return error(429, "Rate Limit Exceeded: burst rate limit exceeded.", "RateLimitedException", {
      ...bucketHeaders(b.level, accountId, cost),
      "X-LS-API-RateLimit-Type": "api-burst-limiter",
      "Retry-After": "1",
    });
  }
  b.level += cost;
  return bucketHeaders(b.level, accountId, cost);
}

interface IssuedTokens {
  access: Record<string, number>;
  /** Refresh tokens issued and not yet used (each works once: Lightspeed rotates them). */
  issued: string[];
  /** Refresh tokens already exchanged. */
  used: string[];
}

function tokens(sim: SimContext): IssuedTokens {
  return sim.store.getSetting<IssuedTokens>("tokens", { access: {}, issued: [], used: [] });
}

/**
 * A refresh token the server would accept once: one it issued, or a seed token — the configured one, or any
 * "<configured>-<suffix>" (so each test or demo can start its own rotation chain in the shared sandbox).
 */
function refreshUsable(sim: SimContext, token: string | undefined): boolean {
  if (!token) return false;
  const t = tokens(sim);
  if (t.used.includes(token)) return false;
  const seed = settings(sim).refreshToken;
  // An unused "test-seed-…" token starts a lineage of its own (parallel test files share this simulator).
  return t.issued.includes(token) || token === seed || token.startsWith(`${seed}-`) || token.startsWith("test-seed-");
}

/** The configured demo token, or one issued by the token endpoint that has not expired (expireTokens fault: none is). */
function tokenValid(sim: SimContext, header: string | undefined): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!m) return false;
  if (sim.faults().expireTokens) return false;
  if (m[1] === settings(sim).accessToken) return true;
  const expires = tokens(sim).access[m[1]!];
  return expires !== undefined && expires > sim.now().getTime();
}

function simError(err: unknown): Response {
  if (err instanceof SimError) return error(err.status, err.message, "SimulatorException");
  if (err instanceof QueryError) return error(400, err.message, "InvalidQueryException");
  throw err;
}

async function jsonBody<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (!text.trim()) return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SimError(400, "body is not JSON");
  }
}

/** The URL of the page after `rows`: the request's own parameters plus sort, limit and the `after` cursor. */
function nextUrl(sim: SimContext, path: string, params: URLSearchParams, after: string, sort: string, limit: number): string {
  const u = new URL(`${sim.baseUrl}${path}`);
  for (const [k, v] of params) if (k !== "after" && k !== "before") u.searchParams.append(k, v);
  u.searchParams.set("sort", sort);
  u.searchParams.set("limit", String(limit));
  u.searchParams.set("after", after);
  return u.toString();
}

/** Lightspeed's one-or-many list body: `"Sale": {…}` for one record, an array for several, absent for none. */
function listBody(key: string, rows: Json[], next: string): Json {
  const body: Json = { "@attributes": { next, previous: "" } };
  if (rows.length === 1) body[key] = rows[0];
  else if (rows.length > 1) body[key] = rows;
  return body;
}

export const lightspeedRetailSimulator: Simulator = {
  slug: "lightspeed-retail",

  routes(app: Hono, sim: SimContext) {
    // https://developers.lightspeedhq.com/retail/authentication/authentication-overview/ — refresh_token grant; both tokens rotate.
    app.post("/auth/oauth/token", async (c) => {
      const type = c.req.header("content-type") ?? "";
      const form = type.includes("json") ? ((await c.req.json().catch(() => ({}))) as Record<string, string>) : Object.fromEntries(new URLSearchParams(await c.req.text()));
      const s = settings(sim);
      const t = tokens(sim);
      if (form.client_id !== s.clientId || form.client_secret !== s.clientSecret) return c.json({ error: "invalid_client" }, 401);
      if (form.grant_type !== "refresh_token" || !refreshUsable(sim, form.refresh_token)) return c.json({ error: "invalid_grant", error_description: "The refresh token is invalid." }, 400);
      const access = `ls-access-${crypto.randomUUID()}`;
      const refresh = `ls-refresh-${crypto.randomUUID()}`;
      sim.store.setSetting("tokens", {
        access: { ...t.access, [access]: sim.now().getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000 },
        issued: [...t.issued.filter((x) => x !== form.refresh_token), refresh],
        used: [...t.used, form.refresh_token!],
      } satisfies IssuedTokens);
      return c.json({ access_token: access, expires_in: ACCESS_TOKEN_TTL_SECONDS, token_type: "Bearer", scope: "employee:all", refresh_token: refresh });
    });

    // Every API call: a valid bearer token, then the account's bucket. (The sandbox serves any account number; each
    // holds its own Sales, seeded with POST /_seed/lightspeed-retail/orders?accountId=…, default the demo account.)
    app.use("/API/V3/Account/:accountId/*", async (c, next) => {
      if (!tokenValid(sim, c.req.header("Authorization"))) return error(401, "Invalid access token.", "OAuthException");
      const accountId = c.req.param("accountId");
      if (!/^\d+$/.test(accountId)) return error(404, "Account not found.", "NotFoundException");
      const cost = c.req.query("count") === "1" ? 10 : c.req.method === "GET" ? 1 : 10;
      const headers = throttle(sim, accountId, cost);
      if (headers instanceof Response) return headers;
      await next();
      for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
    });

    // https://developers.lightspeedhq.com/retail/endpoints/Sale/#get-all-sales
    app.get("/API/V3/Account/:accountId/Sale.json", (c) => {
      try {
        const url = new URL(c.req.url);
        const q = readListQuery(url.searchParams, ["saleID", "timeStamp", "completeTime", "updatetime"], "saleID");
        const relations = readRelations(url.searchParams.get("load_relations"));
        if ("error" in relations) throw new QueryError(relations.error);
        const all = sim.store.list<StoredSale>(salesOf(c.req.param("accountId")));
        if (q.count) return c.json({ "@attributes": { count: String(page(all, { ...q, limit: Number.MAX_SAFE_INTEGER }, "saleID").rows.length) } });
        const { rows, more } = page(all, q, "saleID");
        const sort = `${q.descending ? "-" : ""}${q.sortField}`;
        const next = more && rows.length > 0 ? nextUrl(sim, url.pathname, url.searchParams, cursorOf(rows[rows.length - 1]!, q, "saleID"), sort, q.limit) : "";
        return c.json(listBody("Sale", rows.map((r) => render(r as StoredSale, relations)), next));
      } catch (err) {
        return simError(err);
      }
    });

    // https://developers.lightspeedhq.com/retail/endpoints/Sale/#get-single-sale
    app.get("/API/V3/Account/:accountId/Sale/:file", (c) => {
      const m = /^(\d+)\.json$/.exec(c.req.param("file"));
      const sale = m ? loadSale(sim, c.req.param("accountId"), m[1]!) : null;
      if (!sale) return error(404, `Sale not found.`, "NotFoundException");
      const relations = readRelations(c.req.query("load_relations") ?? null);
      if ("error" in relations) return error(400, relations.error, "InvalidQueryException");
      return c.json({ "@attributes": { count: "1" }, Sale: render(sale, relations) });
    });

    // https://developers.lightspeedhq.com/retail/endpoints/SaleLine/#get-all-sale-lines
    app.get("/API/V3/Account/:accountId/SaleLine.json", (c) => {
      try {
        const url = new URL(c.req.url);
        const q = readListQuery(url.searchParams, ["saleLineID", "timeStamp", "saleID"], "saleLineID");
        const lines = sim.store.list<StoredSale>(salesOf(c.req.param("accountId"))).flatMap((s) => s.SaleLines.SaleLine.map((l) => ({ ...l, saleID: s.saleID })));
        const { rows, more } = page(lines, q, "saleLineID");
        const sort = `${q.descending ? "-" : ""}${q.sortField}`;
        const next = more && rows.length > 0 ? nextUrl(sim, url.pathname, url.searchParams, cursorOf(rows[rows.length - 1]!, q, "saleLineID"), sort, q.limit) : "";
        return c.json(listBody("SaleLine", rows.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !/^[A-Z]/.test(k)))), next));
      } catch (err) {
        return simError(err);
      }
    });

    app.all("/API/*", () => error(404, "Not found.", "NotFoundException"));

    // ---- simulator controls (never faulted, no auth): the register's own actions on a Sale

    app.post("/_sim/sales/:id/:action", async (c) => {
      const accountId = c.req.query("accountId") ?? settings(sim).accountId;
      try {
        const body = await jsonBody<{ paymentType?: string; lines?: { saleLineID: string; quantity: number }[] }>(c);
        const sale = loadSale(sim, accountId, c.req.param("id"));
        if (!sale) return error(404, "Sale not found.", "NotFoundException");
        const now = sim.now();
        switch (c.req.param("action")) {
          case "complete": {
            const done = completeSale(sim, sale, body, now);
            saveSale(sim, accountId, done);
            return c.json(done);
          }
          case "void": {
            const voided = voidSale(sale, now);
            saveSale(sim, accountId, voided);
            return c.json(voided);
          }
          case "return":
            return c.json(returnSale(sim, accountId, sale, body, now), 201);
          default:
            return error(404, `unknown action "${c.req.param("action")}" (complete, void, return)`, "SimulatorException");
        }
      } catch (err) {
        return simError(err);
      }
    });
  },

  seedOrder(sim, record, c) {
    const stored = seed(sim, c.req.query("accountId") ?? settings(sim).accountId, record);
    if (!stored.ok) throw new HTTPException(400, { res: error(400, `Sale is not valid: ${stored.problems.join("; ")}`, "InvalidSaleException") });
    return stored.sale;
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") {
      return error(429, "Rate Limit Exceeded: Please decrease your request volume.", "RateLimitedException", {
        "X-LS-API-Bucket-Level": `${BUCKET_SIZE + 1}/${BUCKET_SIZE}`,
        "X-LS-API-Drip-Rate": String(DRIP_PER_SECOND),
        "X-LS-API-RateLimit-Type": "api-leaky-bucket",
        "Retry-After": String(retryAfter),
      });
    }
    if (kind === "server") return error(500, "Internal server error.", "ServerException");
    return error(503, "Service unavailable.", "ServiceUnavailableException");
  },
};
