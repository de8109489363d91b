// QuickBooks Online simulator: OAuth 2 with rotating refresh tokens, the v3 entity/query API, XSD validation, Faults, limits.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { dec, placesOf, text } from "./amounts";
import { ENTITIES, TRANSACTIONS, RuleError, ensureCompany, entityFromPath, homeCurrency, list, qboTime, read, remove, voidTxn, write, type QboError } from "./company";
import { QueryParseError, matches, parseQuery } from "./query";
import { hasEntityType, validateEntity } from "./xsd";

type Rec = Record<string, unknown>;

function tid(sim: SimContext): string {
  return `1-${Math.floor(sim.random() * 0xffffffff).toString(16)}-${Math.floor(sim.random() * 0xffffffff).toString(16)}`;
}

function json(sim: SimContext, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json;charset=UTF-8", intuit_tid: tid(sim), ...headers } });
}

/** A Fault exactly as ../shared/specs/quickbooks-online/examples/fault.response.template.json shows it. */
function fault(sim: SimContext, status: number, type: string, errors: QboError[], headers: Record<string, string> = {}): Response {
  return json(sim, status, { Fault: { Error: errors.map((e) => ({ Message: e.Message, Detail: e.Detail, code: e.code, element: e.element ?? "" })), type }, time: qboTime(sim.now()) }, headers);
}

function throttled(sim: SimContext, retryAfter: number, count = true): Response {
  if (count) sim.bump("throttled");
  // Intuit answers throttling with a SERVICE fault, code 3001 (github.com/ruckus/quickbooks-ruby/pull/348 fixture).
  return fault(sim, 429, "SERVICE", [{ Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", Detail: "The request limit was reached.  Try again later", code: "3001" }], { "retry-after": String(retryAfter) });
}

/**
 * The 401 body Intuit's gateway sends for a bad or expired bearer token: lower-case keys, not the Fault template
 * (github.com/ej2/python-quickbooks/issues/250 shows it verbatim).
 */
function unauthorized(sim: SimContext, detail: string): Response {
  return json(sim, 401, {
    warnings: null,
    intuitObject: null,
    fault: { error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail, code: "3200", element: null }], type: "AUTHENTICATION" },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: sim.now().getTime(),
    status: null,
    cdcresponse: [],
  }, { "www-authenticate": 'Bearer realm="Intuit", error="invalid_token"' });
}

// ------------------------------------------------------------------ OAuth 2

interface Client {
  secret: string;
  refreshToken: string;
  generation: number;
}

interface AccessToken {
  clientId: string;
  /** Tokens of an older epoch were expired at once by faults.expireTokens. */
  epoch: number;
  expiresAt: number;
}

function client(sim: SimContext, clientId: string): Client | null {
  const stored = sim.store.get<Client>("clients", clientId);
  if (stored) return stored;
  const cfg = sim.config();
  if (clientId !== String(cfg.clientId ?? "demo-qbo-client")) return null;
  const seeded = { secret: String(cfg.clientSecret ?? "demo-qbo-secret"), refreshToken: String(cfg.refreshToken ?? "demo-qbo-refresh-0"), generation: 0 };
  sim.store.put("clients", clientId, seeded);
  return seeded;
}

/** POST /oauth2/v1/tokens/bearer — grant_type=refresh_token; every refresh rotates the refresh token. */
async function token(c: Context, sim: SimContext): Promise<Response> {
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
  let id = "";
  let secret = "";
  if (basic) {
    const decoded = atob(basic[1]!);
    const i = decoded.indexOf(":");
    id = decoded.slice(0, i);
    secret = decoded.slice(i + 1);
  }
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  id ||= form.get("client_id") ?? "";
  secret ||= form.get("client_secret") ?? "";
  const cl = client(sim, id);
  if (!cl || cl.secret !== secret) return json(sim, 401, { error: "invalid_client" });
  if (form.get("grant_type") !== "refresh_token") return json(sim, 400, { error: "unsupported_grant_type" });
  // Every refresh token is single-use (Intuit rotates): each grant starts a lineage — the client's configured
  // initial token, or a never-seen "test-seed-…" token (parallel test files each start their own) — and each use
  // retires the token presented and issues the next one.
  const presented = form.get("refresh_token") ?? "";
  const live = sim.store.get<{ clientId: string; generation: number }>("refresh-tokens", presented);
  const fresh = !sim.store.get("refresh-tokens-used", presented) && (presented === cl.refreshToken || presented.startsWith("test-seed-"));
  if (!(live && live.clientId === id) && !fresh) return json(sim, 400, { error: "invalid_grant" });
  const generation = (live?.generation ?? cl.generation) + 1;
  const rand = () => Math.floor(sim.random() * 2 ** 32).toString(36);
  const refreshToken = `${id}-rt${generation}-${rand()}${rand()}`;
  sim.store.delete("refresh-tokens", presented);
  sim.store.put("refresh-tokens-used", presented, true);
  sim.store.put("refresh-tokens", refreshToken, { clientId: id, generation });
  const ttl = Number(sim.config().accessTokenTtlSeconds ?? 3600);
  const accessToken = `eyJ.${id}.${rand()}${rand()}${rand()}`;
  const now = sim.now().getTime();
  sim.store.put("tokens", accessToken, { clientId: id, epoch: sim.store.getSetting<number>("tokenEpoch", 0), expiresAt: now + ttl * 1000 } satisfies AccessToken);
  // Shape of ../shared/specs/quickbooks-online/oauth-fixtures/success_refreshtoken_response.json.
  return json(sim, 200, { token_type: "bearer", expires_in: ttl, refresh_token: refreshToken, x_refresh_token_expires_in: 15552000, access_token: accessToken });
}

function authorize(c: Context, sim: SimContext): Response | null {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("tokenEpoch", sim.store.getSetting<number>("tokenEpoch", 0) + 1);
    sim.setFaults({ ...f, expireTokens: false });
  }
  const m = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
  if (!m) return unauthorized(sim, "Authorization header missing or not a bearer token");
  const t = sim.store.get<AccessToken>("tokens", m[1]!);
  if (!t) return unauthorized(sim, "Token invalid: the bearer token is not known");
  if (t.expiresAt <= sim.now().getTime() || t.epoch !== sim.store.getSetting<number>("tokenEpoch", 0)) return unauthorized(sim, "Token expired: the access token has expired");
  return null;
}

// ------------------------------------------------------------------ API

function realmGuard(c: Context, sim: SimContext): { realm: string } | Response {
  const denied = authorize(c, sim);
  if (denied) return denied;
  const realm = c.req.param("realm")!;
  ensureCompany(sim, realm);
  return { realm };
}

function entityResponse(sim: SimContext, entity: string, rec: Rec): Response {
  return json(sim, 200, { [entity]: rec, time: qboTime(sim.now()) });
}

function ruleFault(sim: SimContext, err: RuleError): Response {
  return fault(sim, 400, "ValidationFault", err.errors);
}

async function postEntity(c: Context, sim: SimContext): Promise<Response> {
  // The body is read before any early answer, so the caller's upload never meets a closed stream.
  const text = await c.req.text();
  const guard = realmGuard(c, sim);
  if (guard instanceof Response) return guard;
  const { realm } = guard;
  const entity = entityFromPath(c.req.param("entity")!);
  if (!entity) {
    return fault(sim, 400, "ValidationFault", [{ Message: "Unsupported Operation", Detail: `Operation Could not find resource for relative : ${new URL(c.req.url).pathname} is not supported.`, code: "500" }]);
  }
  // requestid: the same id gets the original response back without re-executing (Intuit blog 2015-04-06).
  const requestId = c.req.query("requestid");
  const replayKey = requestId ? `${realm}|${requestId}` : null;
  if (replayKey) {
    const seen = sim.store.get<{ status: number; body: string }>("requests", replayKey);
    if (seen) {
      sim.bump("replayed");
      return new Response(seen.body, { status: seen.status, headers: { "content-type": "application/json;charset=UTF-8", intuit_tid: tid(sim) } });
    }
  }
  const armed = sim.store.getSetting<number>("fault200", 0);
  if (armed > 0) {
    // A real case of HTTP 200 carrying a Fault: github.com/intuit/QuickBooks-V3-DotNET-SDK/issues/259 (6000, -30000).
    // An internal error, so not kept for requestid replay.
    sim.store.setSetting("fault200", armed - 1);
    return fault(sim, 200, "ValidationFault", [{ Message: "A business validation error has occurred while processing your request", Detail: "Business Validation Error: Unexpected Internal Error. (-30000)", code: "6000" }]);
  }
  const res = await executeWrite(c, sim, realm, entity, text);
  if (replayKey && res.status !== 429 && res.status !== 401 && res.status < 500) {
    sim.store.put("requests", replayKey, { status: res.status, body: await res.clone().text() });
  }
  return res;
}

async function executeWrite(c: Context, sim: SimContext, realm: string, entity: (typeof ENTITIES)[number], text: string): Promise<Response> {
  let body: Rec;
  try {
    body = JSON.parse(text) as Rec;
  } catch {
    return fault(sim, 400, "ValidationFault", [{ Message: "Request has invalid or unsupported property", Detail: "Request body is not valid JSON", code: "2010" }]);
  }
  const operation = c.req.query("operation");
  const sparse = body.sparse === true || operation === "void" || operation === "delete";
  const issues = hasEntityType(entity) ? validateEntity(entity, body, sparse) : [];
  if (issues.length > 0) {
    return fault(sim, 400, "ValidationFault", issues.map((i) => ({ Message: i.message, Detail: i.detail, code: i.code, element: i.element })));
  }
  try {
    if (operation === "void") {
      if (!(TRANSACTIONS as readonly string[]).includes(entity)) throw new RuleError([{ Message: "Unsupported Operation", Detail: `Operation void is not supported for ${entity}.`, code: "500" }]);
      return entityResponse(sim, entity, voidTxn(sim, realm, entity, body));
    }
    if (operation === "delete") return entityResponse(sim, entity, remove(sim, realm, entity, body));
    if (operation) throw new RuleError([{ Message: "Unsupported Operation", Detail: `Operation ${operation} is not supported.`, code: "500" }]);
    return entityResponse(sim, entity, write(sim, realm, entity, body));
  } catch (err) {
    if (err instanceof RuleError) return ruleFault(sim, err);
    throw err;
  }
}

function getEntity(c: Context, sim: SimContext): Response {
  const guard = realmGuard(c, sim);
  if (guard instanceof Response) return guard;
  const entity = entityFromPath(c.req.param("entity")!);
  const rec = entity ? read(sim, guard.realm, entity, c.req.param("id")!) : null;
  if (!entity || !rec) {
    return fault(sim, 400, "ValidationFault", [{ Message: "Object Not Found", Detail: `Object Not Found : Something you're trying to use has been made inactive or deleted.`, code: "610" }]);
  }
  return entityResponse(sim, entity, rec);
}

function query(c: Context, sim: SimContext): Response {
  const guard = realmGuard(c, sim);
  if (guard instanceof Response) return guard;
  const q = c.req.query("query") ?? "";
  let parsed;
  try {
    parsed = parseQuery(q);
  } catch (err) {
    if (!(err instanceof QueryParseError)) throw err;
    return fault(sim, 400, "ValidationFault", [{ Message: "Error parsing query", Detail: `QueryParserError: ${err.message}`, code: "4000" }]);
  }
  const entity = ENTITIES.find((e) => e.toLowerCase() === parsed.entity.toLowerCase());
  if (!entity) {
    return fault(sim, 400, "ValidationFault", [{ Message: "Error parsing query", Detail: `QueryValidationError: Invalid context declaration : ${parsed.entity}`, code: "4001" }]);
  }
  let rows = list(sim, guard.realm, entity).filter((r) => parsed.where.every((w) => matches(r, w)));
  if (parsed.count) return json(sim, 200, { QueryResponse: { totalCount: rows.length }, time: qboTime(sim.now()) });
  if (parsed.orderBy) {
    const { field, desc } = parsed.orderBy;
    rows = [...rows].sort((a, b) => {
      const x = String(a[field] ?? "");
      const y = String(b[field] ?? "");
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    });
  }
  const page = rows.slice(parsed.startPosition - 1, parsed.startPosition - 1 + parsed.maxResults);
  const qr = page.length === 0 ? {} : { [entity]: page, startPosition: parsed.startPosition, maxResults: page.length };
  return json(sim, 200, { QueryResponse: qr, time: qboTime(sim.now()) });
}

export const quickbooksOnline: Simulator = {
  slug: "quickbooks-online",

  routes(app: Hono, sim: SimContext) {
    // Test and demo controls (never faulted): extra OAuth clients, and arming HTTP-200 Faults.
    app.post("/_sim/clients", async (c) => {
      const b = (await c.req.json()) as { clientId: string; clientSecret: string; refreshToken: string };
      sim.store.put("clients", b.clientId, { secret: b.clientSecret, refreshToken: b.refreshToken, generation: 0 } satisfies Client);
      return c.json({ ok: true });
    });
    app.post("/_sim/fault-200", async (c) => {
      const b = (await c.req.json().catch(() => ({}))) as { count?: number };
      sim.store.setSetting("fault200", b.count ?? 1);
      return c.json({ armed: b.count ?? 1 });
    });

    // https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
    app.post("/oauth2/v1/tokens/bearer", (c) => token(c, sim));

    // Limits: 500 requests/min per realm and 10 concurrent → 429 ThrottleExceeded (Intuit limits page; limits.md §19).
    app.use("/v3/company/:realm/*", async (c, next) => {
      const realm = c.req.param("realm")!;
      const perMinute = Number(sim.config().requestsPerMinute ?? 500);
      const wait = sim.rateLimit(`realm:${realm}`, perMinute, 60);
      if (wait > 0) return throttled(sim, wait);
      if (!sim.acquireSlot(`realm:${realm}`, Number(sim.config().concurrency ?? 10))) return throttled(sim, 1);
      try {
        await next();
      } finally {
        sim.releaseSlot(`realm:${realm}`);
      }
    });
    // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
    app.get("/v3/company/:realm/query", (c) => query(c, sim));
    app.get("/v3/company/:realm/:entity/:id", (c) => getEntity(c, sim));
    app.post("/v3/company/:realm/:entity", (c) => postEntity(c, sim));
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    for (const realm of sim.store.getSetting<string[]>("realms", [])) {
      for (const kind of TRANSACTIONS) {
        for (const raw of list(sim, realm, kind)) {
          const currency = String((raw.CurrencyRef as Rec | undefined)?.value ?? homeCurrency(sim));
          out.push({
            kind,
            id: String(raw.Id),
            externalRef: String(raw.DocNumber ?? raw.PaymentRefNum ?? ""),
            total: text(dec(raw.TotalAmt ?? 0), placesOf(currency)),
            currency,
            raw: { ...raw, realmId: realm },
          });
        }
      }
    }
    return out;
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return throttled(sim, retryAfter, false); // the kit already counted it
    if (kind === "server") {
      return fault(sim, 500, "SystemFault", [{ Message: "An application error has occurred while processing your request", Detail: "System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.", code: "10000" }]);
    }
    return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html", intuit_tid: tid(sim) } });
  },
};
