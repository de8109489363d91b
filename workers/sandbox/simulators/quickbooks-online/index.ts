// QuickBooks Online simulator: OAuth 2 with rotating refresh tokens, the v3 entity/query API, XSD validation, Faults, limits.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { dec, placesOf, text } from "./amounts";
import { ENTITIES, TRANSACTIONS, RuleError, ensureCompany, entityFromPath, homeCurrency, list, qboTime, read, remove, voidTxn, withDocNumber, write, type Entity, type QboError } from "./company";
import { ISO, QueryParseError, matches, parseQuery, type Condition } from "./query";
import { hasEntityType, validateBatchRequest, validateEntity, type BatchItem } from "./xsd";

type Rec = Record<string, unknown>;

function tid(sim: SimContext): string {
  return `1-${Math.floor(sim.random() * 0xffffffff).toString(16)}-${Math.floor(sim.random() * 0xffffffff).toString(16)}`;
}

function json(sim: SimContext, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json;charset=UTF-8", intuit_tid: tid(sim), ...headers } });
}

/**
 * What one operation answers, before it becomes an HTTP response (single endpoints) or a BatchItemResponse (batch):
 * the status and the body without its `time`.
 */
interface Answer {
  status: number;
  body: Rec;
}

function respond(sim: SimContext, a: Answer, headers: Record<string, string> = {}): Response {
  return json(sim, a.status, { ...a.body, time: qboTime(sim.now()) }, headers);
}

/** A Fault exactly as ../shared/specs/quickbooks-online/examples/fault.response.template.json shows it. */
function faultAnswer(status: number, type: string, errors: QboError[]): Answer {
  return { status, body: { Fault: { Error: errors.map((e) => ({ Message: e.Message, Detail: e.Detail, code: e.code, element: e.element ?? "" })), type } } };
}

function fault(sim: SimContext, status: number, type: string, errors: QboError[], headers: Record<string, string> = {}): Response {
  return respond(sim, faultAnswer(status, type, errors), headers);
}

function throttled(sim: SimContext, retryAfter: number, count = true, realm?: string): Response {
  if (count) sim.bump("throttled");
  if (realm) sim.bump(`throttled:${realm}`);
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

function entityAnswer(entity: string, rec: Rec): Answer {
  return { status: 200, body: { [entity]: rec } };
}

/**
 * requestid is at most 50 characters, 36 on a batch (Intuit blog 2015-04-06, "requestid"); beyond, Intuit answers
 * 6000 (github.com/intuit/QuickBooks-V3-Java-SDK/issues/180 quotes the text).
 */
function requestIdTooLong(requestId: string, max: number): Answer | null {
  if (requestId.length <= max) return null;
  return faultAnswer(400, "ValidationFault", [
    {
      Message: "A business validation error has occurred while processing your request",
      Detail: `Business Validation Error: You cannot enter more than ${max} characters in the request_id field. You tried entering ${requestId.slice(0, 10)}..., which is ${requestId.length} characters.`,
      code: "6000",
    },
  ]);
}

/** A stored answer for `requestid`, returned instead of running the request again (Intuit blog 2015-04-06). */
function replayed(sim: SimContext, replayKey: string | null): Response | null {
  const seen = replayKey ? sim.store.get<{ status: number; body: string }>("requests", replayKey) : null;
  if (!seen) return null;
  sim.bump("replayed");
  return new Response(seen.body, { status: seen.status, headers: { "content-type": "application/json;charset=UTF-8", intuit_tid: tid(sim) } });
}

async function keepForReplay(sim: SimContext, replayKey: string | null, res: Response): Promise<Response> {
  if (replayKey && res.status !== 429 && res.status !== 401 && res.status < 500) {
    sim.store.put("requests", replayKey, { status: res.status, body: await res.clone().text() });
  }
  return res;
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
  const requestId = c.req.query("requestid");
  const tooLong = requestId ? requestIdTooLong(requestId, 50) : null;
  if (tooLong) return respond(sim, tooLong);
  const replayKey = requestId ? `${realm}|${requestId}` : null;
  const replay = replayed(sim, replayKey);
  if (replay) return replay;
  const answer = runWrite(sim, realm, entity, text, c.req.query("operation"));
  // An armed HTTP-200 Fault is an internal error: not kept for requestid replay.
  return answer.internal ? respond(sim, answer) : keepForReplay(sim, replayKey, respond(sim, answer));
}

/**
 * One write, as the single endpoint and a batch item both run it: an armed HTTP-200 Fault, the JSON body, the XSD,
 * then create / update (by Id), `void` or `delete` with Intuit's business rules.
 */
function runWrite(sim: SimContext, realm: string, entity: Entity, text: string, operation: string | undefined): Answer & { internal?: boolean } {
  const armed = sim.store.getSetting<number>("fault200", 0);
  if (armed > 0) {
    // A real case of HTTP 200 carrying a Fault: github.com/intuit/QuickBooks-V3-DotNET-SDK/issues/259 (6000, -30000).
    sim.store.setSetting("fault200", armed - 1);
    const internal = faultAnswer(200, "ValidationFault", [{ Message: "A business validation error has occurred while processing your request", Detail: "Business Validation Error: Unexpected Internal Error. (-30000)", code: "6000" }]);
    return { ...internal, internal: true };
  }
  let body: Rec;
  try {
    body = JSON.parse(text) as Rec;
  } catch {
    return faultAnswer(400, "ValidationFault", [{ Message: "Request has invalid or unsupported property", Detail: "Request body is not valid JSON", code: "2010" }]);
  }
  const sparse = body.sparse === true || operation === "void" || operation === "delete";
  const issues = hasEntityType(entity) ? validateEntity(entity, body, sparse) : [];
  if (issues.length > 0) {
    return faultAnswer(400, "ValidationFault", issues.map((i) => ({ Message: i.message, Detail: i.detail, code: i.code, element: i.element })));
  }
  try {
    if (operation === "void") {
      if (!(TRANSACTIONS as readonly string[]).includes(entity)) throw new RuleError([{ Message: "Unsupported Operation", Detail: `Operation void is not supported for ${entity}.`, code: "500" }]);
      return entityAnswer(entity, voidTxn(sim, realm, entity, body));
    }
    if (operation === "delete") return entityAnswer(entity, remove(sim, realm, entity, body));
    if (operation) throw new RuleError([{ Message: "Unsupported Operation", Detail: `Operation ${operation} is not supported.`, code: "500" }]);
    return entityAnswer(entity, write(sim, realm, entity, body));
  } catch (err) {
    if (err instanceof RuleError) return faultAnswer(400, "ValidationFault", err.errors);
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
  return respond(sim, entityAnswer(entity, rec));
}

function query(c: Context, sim: SimContext): Response {
  const guard = realmGuard(c, sim);
  if (guard instanceof Response) return guard;
  return respond(sim, runQuery(sim, guard.realm, c.req.query("query") ?? ""));
}

/**
 * The records a query's conditions can match: those with the DocNumbers a condition pins (`DocNumber = '…'` or
 * `IN (…)`, the adoption search of every sync) by index, else the whole entity. Every condition still applies after.
 */
function candidates(sim: SimContext, realm: string, entity: Entity, where: Condition[]): Rec[] {
  // A date-like value is compared as a date (matches), which the index's text comparison would not find.
  const pin = where.find((w) => w.field.toLowerCase() === "docnumber" && (w.op === "=" || w.op === "IN") && w.values.every((v) => typeof v === "string" && !ISO.test(v)));
  return pin ? withDocNumber(sim, realm, entity, pin.values as string[]) : list(sim, realm, entity);
}

/** One query, as `GET …/query` and a batch item's `Query` both run it. */
function runQuery(sim: SimContext, realm: string, q: string): Answer {
  let parsed;
  try {
    parsed = parseQuery(q);
  } catch (err) {
    if (!(err instanceof QueryParseError)) throw err;
    return faultAnswer(400, "ValidationFault", [{ Message: "Error parsing query", Detail: `QueryParserError: ${err.message}`, code: "4000" }]);
  }
  const entity = ENTITIES.find((e) => e.toLowerCase() === parsed.entity.toLowerCase());
  if (!entity) {
    return faultAnswer(400, "ValidationFault", [{ Message: "Error parsing query", Detail: `QueryValidationError: Invalid context declaration : ${parsed.entity}`, code: "4001" }]);
  }
  let rows = candidates(sim, realm, entity, parsed.where).filter((r) => parsed.where.every((w) => matches(r, w)));
  if (parsed.count) return { status: 200, body: { QueryResponse: { totalCount: rows.length } } };
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
  return { status: 200, body: { QueryResponse: qr } };
}

// ------------------------------------------------------------------ batch
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch

/** Business rules of the batch page: at most 30 payloads a batch, 40 batch requests a minute per realm. */
const BATCH_MAX_ITEMS = 30;
const BATCHES_PER_MINUTE = 40;
/** bIds are at most 10 characters when the batch carries a requestid (Intuit blog 2015-04-06, "requestid"). */
const BID_MAX_WITH_REQUEST_ID = 10;

const invalid = (detail: string, element = ""): QboError => ({ Message: "Request has invalid or unsupported property", Detail: detail, code: "2010", element });

/** The rules of the batch envelope the XSD cannot say: item count and bIds. */
function batchRuleIssues(items: BatchItem[], requestId: string | undefined): QboError[] {
  const errors: QboError[] = [];
  if (items.length > BATCH_MAX_ITEMS) errors.push(invalid(`The maximum number of payloads in a single batch request is ${BATCH_MAX_ITEMS}; this one has ${items.length}.`, "BatchItemRequest"));
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const el = `BatchItemRequest[${i}].bId`;
    if (item.bId === undefined || item.bId === "") {
      errors.push({ Message: "Required param missing, need to supply the required value for the API", Detail: `Required parameter ${el} is missing in the request`, code: "2020", element: el });
    } else if (seen.has(item.bId)) {
      errors.push(invalid(`Duplicate bId ${item.bId}: each BatchItemRequest needs its own batch id.`, el));
    } else if (requestId && item.bId.length > BID_MAX_WITH_REQUEST_ID) {
      errors.push(invalid(`bId ${item.bId} is longer than ${BID_MAX_WITH_REQUEST_ID} characters, the limit when the batch carries a requestid.`, el));
    }
    if (item.bId) seen.add(item.bId);
  });
  return errors;
}

/**
 * One BatchItemRequest through the single endpoints' own code: `operation` create/update (by Id, as the single
 * endpoint decides), delete, void (`operation:"update"` with `optionsData:"void"` as the batch page documents, or
 * OperationEnum's `void`); a `Query` item runs the query; other payloads and operations are refused per item.
 */
function runBatchItem(sim: SimContext, realm: string, item: BatchItem): Answer {
  const unsupported = (detail: string) => faultAnswer(400, "ValidationFault", [{ Message: "Unsupported Operation", Detail: detail, code: "500" }]);
  if (item.query !== undefined) {
    if (item.operation !== undefined) return faultAnswer(400, "ValidationFault", [invalid("A BatchItemRequest with a Query takes no operation.", "operation")]);
    return runQuery(sim, realm, item.query);
  }
  if (!item.entity) return unsupported(`Operation ${item.other ?? "unknown"} is not supported by this batch.`);
  const entity = entityFromPath(item.entity.name);
  if (!entity) return unsupported(`Operation ${item.operation ?? "create"} is not supported for ${item.entity.name}.`);
  if (item.operation === undefined) {
    return faultAnswer(400, "ValidationFault", [{ Message: "Required param missing, need to supply the required value for the API", Detail: "Required parameter operation is missing in the request", code: "2020", element: "operation" }]);
  }
  if (item.optionsData !== undefined && !(item.operation === "update" && item.optionsData === "void")) {
    return unsupported(`optionsData ${item.optionsData} is not supported with operation ${item.operation}.`);
  }
  const text = JSON.stringify(item.entity.body);
  switch (item.operation) {
    case "create":
    case "update":
      return runWrite(sim, realm, entity, text, item.optionsData === "void" ? "void" : undefined);
    case "delete":
    case "void":
      return runWrite(sim, realm, entity, text, item.operation);
    default:
      return unsupported(`Operation ${item.operation} is not supported.`);
  }
}

/** POST /v3/company/:realm/batch — one request for the realm's 500/min, at most 40 a minute, items run in order. */
async function batch(c: Context, sim: SimContext): Promise<Response> {
  const text = await c.req.text();
  const guard = realmGuard(c, sim);
  if (guard instanceof Response) return guard;
  const { realm } = guard;
  const limits = realmLimits(sim, realm);
  const wait = sim.rateLimit(`batch:${realm}`, limits.batchesPerMinute, 60);
  if (wait > 0) return throttled(sim, wait, true, realm);
  const requestId = c.req.query("requestid");
  const tooLong = requestId ? requestIdTooLong(requestId, 36) : null;
  if (tooLong) return respond(sim, tooLong);
  const replayKey = requestId ? `${realm}|${requestId}` : null;
  const replay = replayed(sim, replayKey);
  if (replay) return replay;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fault(sim, 400, "ValidationFault", [invalid("Request body is not valid JSON")]);
  }
  const { issues, items } = validateBatchRequest(body);
  const errors = [...issues.map((i) => ({ Message: i.message, Detail: i.detail, code: i.code, element: i.element })), ...(issues.length ? [] : batchRuleIssues(items, requestId))];
  if (errors.length > 0) return fault(sim, 400, "ValidationFault", errors);
  sim.bump(`batches:${realm}`);
  sim.bump(`operations:${realm}`, items.length);
  const answers = items.map((item) => ({ bId: item.bId, ...runBatchItem(sim, realm, item).body }));
  return keepForReplay(sim, replayKey, respond(sim, { status: 200, body: { BatchItemResponse: answers } }));
}

// ------------------------------------------------------------------ limits

interface RealmLimits {
  requestsPerMinute: number;
  concurrency: number;
  batchesPerMinute: number;
}

/**
 * A company's limits: Intuit's figures (limits.md §19), the simulator config's overrides, then the realm's own
 * (POST /_sim/realms/:realm/limits), so a test can tighten one company without touching the others.
 */
function realmLimits(sim: SimContext, realm: string): RealmLimits {
  const cfg = sim.config();
  const own = sim.store.getSetting<Partial<RealmLimits>>(`limits:${realm}`, {});
  return {
    requestsPerMinute: own.requestsPerMinute ?? Number(cfg.requestsPerMinute ?? 500),
    concurrency: own.concurrency ?? Number(cfg.concurrency ?? 10),
    batchesPerMinute: own.batchesPerMinute ?? Number(cfg.batchesPerMinute ?? BATCHES_PER_MINUTE),
  };
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

    app.post("/_sim/realms/:realm/limits", async (c) => {
      const b = (await c.req.json().catch(() => ({}))) as Partial<RealmLimits>;
      const realm = c.req.param("realm");
      sim.store.setSetting(`limits:${realm}`, b);
      return c.json(realmLimits(sim, realm));
    });

    // Limits: 500 requests/min per realm (a batch is one) and 10 concurrent → 429 ThrottleExceeded (Intuit limits
    // page; limits.md §19). Counted per realm in /_stats: requests:<realm>, operations:<realm> (a batch adds its
    // items), batches:<realm>, throttled:<realm>, sales_documents:<realm> (SalesReceipts and Invoices created).
    app.use("/v3/company/:realm/*", async (c, next) => {
      const realm = c.req.param("realm")!;
      const limits = realmLimits(sim, realm);
      sim.bump(`requests:${realm}`);
      const wait = sim.rateLimit(`realm:${realm}`, limits.requestsPerMinute, 60);
      if (wait > 0) return throttled(sim, wait, true, realm);
      if (!sim.acquireSlot(`realm:${realm}`, limits.concurrency)) return throttled(sim, 1, true, realm);
      if (!new URL(c.req.url).pathname.endsWith("/batch")) sim.bump(`operations:${realm}`);
      try {
        await next();
      } finally {
        sim.releaseSlot(`realm:${realm}`);
      }
    });
    // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
    app.get("/v3/company/:realm/query", (c) => query(c, sim));
    app.get("/v3/company/:realm/:entity/:id", (c) => getEntity(c, sim));
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch (before the entity route).
    app.post("/v3/company/:realm/batch", (c) => batch(c, sim));
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
