// SAP S/4HANA simulator: OData V2 API_SALES_ORDER_SRV (+ credit memo requests) with Basic auth, CSRF tokens, ETags, EDMX validation.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import type { EdmEntityType, EdmService } from "./edmx";
import { salesOrderEdmx, services } from "./services";
import { createDoc, CREDIT_MEMO, grossTotal, SALES_ORDER, touch, updateHeader, updateItem, type DocKind } from "./orders";
import { INVALID_PROPERTY, NOT_FOUND, ODataFailure, PRECONDITION, validateEntity } from "./validate";

type Rec = Record<string, unknown>;
const ODATA = "/sap/opu/odata/sap";
const SESSION_COOKIE = "SAP_SESSIONID_S4H_100";

function gatewayError(sim: SimContext, status: number, code: string, message: string, target = "", headers: Record<string, string> = {}): Response {
  const stamp = sim.now().toISOString().replace(/[-:T]/g, "").replace(/\.(\d{3})Z$/, ".$10000");
  const transactionid = Array.from({ length: 32 }, () => Math.floor(sim.random() * 16).toString(16)).join("").toUpperCase();
  // SAP Gateway's OData V2 error body (github.com/sap-tutorials/Tutorials/issues/1317 shows one verbatim).
  const body = {
    error: {
      code,
      message: { lang: "en", value: message },
      innererror: {
        application: { component_id: "SD-SLS-API", service_namespace: "/SAP/", service_id: "API_SALES_ORDER_SRV", service_version: "0001" },
        transactionid,
        timestamp: stamp,
        Error_Resolution: {
          SAP_Transaction: "For backend administrators: use ADT feed reader \"SAP Gateway Error Log\" or run transaction /IWFND/ERROR_LOG on SAP Gateway hub system and search for entries with the timestamp above for more details",
          SAP_Note: "See SAP Note 1797736 for error analysis (https://service.sap.com/sap/support/notes/1797736)",
        },
        errordetails: [{ code, message, propertyref: "", severity: "error", target }],
      },
    },
  };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", dataserviceversion: "1.0", ...headers } });
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

interface Session {
  token: string;
  createdAt: number;
}

/** Basic authentication of the communication user (arrangement SAP_COM_0109); 401 with SAP's realm otherwise. */
function authenticate(c: Context, sim: SimContext): Response | null {
  const cfg = sim.config();
  const expected = `${String(cfg.user ?? "demo-s4-user")}:${String(cfg.password ?? "demo-s4-password")}`;
  const m = /^Basic\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
  let given = "";
  try {
    given = m ? atob(m[1]!) : "";
  } catch {
    given = "";
  }
  if (given === expected) return null;
  return new Response("<html><head><title>Logon Error Message</title></head><body>Logon failed</body></html>", {
    status: 401,
    headers: { "content-type": "text/html; charset=utf-8", "www-authenticate": 'Basic realm="SAP NetWeaver Application Server [S4H/100]"' },
  });
}

/** The session the cookies name, if still valid (a fault can expire every session at once). */
function session(c: Context, sim: SimContext): { id: string; s: Session } | null {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("sessionsValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  const id = cookies(c.req.header("cookie"))[SESSION_COOKIE];
  const s = id ? sim.store.get<Session>("sessions", id) : null;
  if (!id || !s || s.createdAt < sim.store.getSetting<number>("sessionsValidAfter", 0)) return null;
  return { id, s };
}

/**
 * CSRF (destinations.md §10 [V]): a GET/HEAD with `x-csrf-token: Fetch` answers the token and the session cookies;
 * every modifying request must send that token with the same session cookies, else 403 "CSRF token validation failed"
 * with `x-csrf-token: Required` (response seen in github.com/SAP/cloud-sdk-js/issues/1037: text/plain, 28 bytes).
 */
function csrf(c: Context, sim: SimContext): { response?: Response; headers: Headers } {
  const headers = new Headers();
  const method = c.req.method;
  const asked = (c.req.header("x-csrf-token") ?? "").toLowerCase() === "fetch";
  if (method === "GET" || method === "HEAD") {
    if (asked) {
      let current = session(c, sim);
      if (!current) {
        const id = crypto.randomUUID().replace(/-/g, "").toUpperCase();
        const s = { token: btoa(crypto.randomUUID()).slice(0, 24), createdAt: sim.now().getTime() };
        sim.store.put("sessions", id, s);
        current = { id, s };
        headers.append("set-cookie", `${SESSION_COOKIE}=${id}; path=/; secure; HttpOnly`);
        headers.append("set-cookie", "sap-usercontext=sap-client=100; path=/");
      }
      headers.set("x-csrf-token", current.s.token);
    }
    return { headers };
  }
  const current = session(c, sim);
  const token = c.req.header("x-csrf-token");
  if (!current || !token || token !== current.s.token) {
    sim.bump("csrf_rejected");
    return { response: new Response("CSRF token validation failed", { status: 403, headers: { "content-type": "text/plain; charset=utf-8", "x-csrf-token": "Required" } }), headers };
  }
  return { headers };
}

interface Target {
  service: EdmService;
  kind: DocKind;
  set: string;
  keys?: Record<string, string>;
  nav?: string;
}

const KINDS: Record<string, DocKind> = { API_SALES_ORDER_SRV: SALES_ORDER, API_CREDIT_MEMO_REQUEST_SRV: CREDIT_MEMO };

/** `A_SalesOrder`, `A_SalesOrder('1')`, `A_SalesOrderItem(SalesOrder='1',SalesOrderItem='10')`, `A_SalesOrder('1')/to_Item`. */
function parseTarget(serviceName: string, rest: string): Target | null {
  const kind = KINDS[serviceName];
  if (!kind) return null;
  const svc = serviceName === "API_SALES_ORDER_SRV" ? services().salesOrder : services().creditMemo;
  const m = /^([A-Za-z_]+)(?:\(([^)]*)\))?(?:\/([A-Za-z_]+))?$/.exec(rest);
  if (!m || !svc.sets.has(m[1]!)) return null;
  let keys: Record<string, string> | undefined;
  if (m[2] !== undefined) {
    keys = {};
    const type = svc.types.get(svc.sets.get(m[1]!)!)!;
    for (const part of m[2].split(",")) {
      const kv = /^(?:([A-Za-z_]+)=)?'((?:[^']|'')*)'$/.exec(part.trim());
      if (!kv) return null;
      keys[kv[1] ?? type.keys[0]!] = kv[2]!.replace(/''/g, "'");
    }
  }
  return { service: svc, kind, set: m[1]!, keys, nav: m[3] };
}

function uriOf(origin: string, kind: DocKind, set: string, keys: Record<string, string>): string {
  const k = Object.entries(keys);
  const key = k.length === 1 ? `'${k[0]![1]}'` : k.map(([n, v]) => `${n}='${v}'`).join(",");
  return `${origin}/sap-s4hana${ODATA}/${kind.service}/${set}(${key})`;
}

/** An entity in V2 verbose JSON: __metadata, properties, navigation either expanded ({results}) or {__deferred}. */
function present(origin: string, svc: EdmService, kind: DocKind, type: EdmEntityType, rec: Rec, expand: string[], set: string): Rec {
  const keys = Object.fromEntries(type.keys.map((k) => [k, String(rec[k] ?? "")]));
  const uri = uriOf(origin, kind, set, keys);
  const out: Rec = { __metadata: { id: uri, uri, type: type.name, ...(rec.__etag ? { etag: rec.__etag } : {}) } };
  for (const [name] of type.properties) out[name] = rec[name] ?? null;
  for (const [name, nav] of type.navigation) {
    const target = svc.types.get(nav.target);
    const inner = expand.filter((e) => e === name || e.startsWith(`${name}/`)).map((e) => e.slice(name.length + 1)).filter(Boolean);
    const wanted = expand.some((e) => e === name || e.startsWith(`${name}/`));
    const value = rec[name];
    if (wanted && target && Array.isArray(value)) {
      const childSet = name === "to_Item" ? kind.itemSet : name;
      out[name] = { results: (value as Rec[]).map((v) => present(origin, svc, kind, target, v, inner, childSet)) };
    } else {
      out[name] = { __deferred: { uri: `${uri}/${name}` } };
    }
  }
  return out;
}

function matchesFilter(rec: Rec, filter: string | undefined): boolean {
  if (!filter) return true;
  const clauses: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === "'") quoted = !quoted;
    else if (!quoted && filter.slice(i, i + 5).toLowerCase() === " and ") {
      clauses.push(filter.slice(start, i));
      start = i + 5;
    }
  }
  clauses.push(filter.slice(start));
  return clauses.every((clause) => {
    const m = /^([A-Za-z_]+)\s+(eq|ne|ge|gt|le|lt)\s+(?:'((?:[^']|'')*)'|datetime(?:offset)?'([^']+)'|(-?\d+(?:\.\d+)?))$/.exec(clause.trim());
    if (!m) throw new ODataFailure(400, INVALID_PROPERTY, `Invalid filter expression: ${clause}`);
    const raw = rec[m[1]!];
    let a: string | number = String(raw ?? "");
    let b: string | number;
    if (m[4] !== undefined) {
      const ms = /\/Date\((-?\d+)/.exec(String(raw ?? ""));
      a = ms ? Number(ms[1]) : NaN;
      b = Date.parse(m[4].endsWith("Z") ? m[4] : `${m[4]}Z`);
    } else if (m[5] !== undefined) {
      a = Number(raw);
      b = Number(m[5]);
    } else {
      b = m[3]!.replace(/''/g, "'");
    }
    const d = a < b ? -1 : a > b ? 1 : 0;
    return { eq: d === 0, ne: d !== 0, ge: d >= 0, gt: d > 0, le: d <= 0, lt: d < 0 }[m[2] as "eq"];
  });
}

async function drain(c: Context): Promise<void> {
  await c.req.arrayBuffer().catch(() => undefined);
}

function json(status: number, body: unknown, headers: Headers): Response {
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("dataserviceversion", "2.0");
  return new Response(JSON.stringify(body), { status, headers });
}

function readJson(text: string): Rec {
  try {
    const b = JSON.parse(text) as unknown;
    if (typeof b === "object" && b !== null && !Array.isArray(b)) return b as Rec;
  } catch {
    // fall through
  }
  throw new ODataFailure(400, INVALID_PROPERTY, "The request body is not a valid JSON object");
}

async function handle(c: Context, sim: SimContext, serviceName: string, rest: string, headers: Headers): Promise<Response> {
  const origin = new URL(c.req.url).origin;
  const raw = c.req.method === "GET" || c.req.method === "HEAD" ? "" : await c.req.text();
  const method = c.req.method === "POST" && (c.req.header("x-http-method") ?? "").toUpperCase() === "MERGE" ? "MERGE" : c.req.method;
  if (rest === "" || rest === "/") {
    if (!KINDS[serviceName]) return gatewayError(sim, 404, NOT_FOUND, `Resource not found for segment '${serviceName}'`);
    return json(200, { d: { EntitySets: [...(serviceName === "API_SALES_ORDER_SRV" ? services().salesOrder : services().creditMemo).sets.keys()] } }, headers);
  }
  if (rest === "$metadata" && serviceName === "API_SALES_ORDER_SRV") {
    headers.set("content-type", "application/xml");
    return new Response(salesOrderEdmx, { status: 200, headers });
  }
  const t = parseTarget(serviceName, rest);
  if (!t) return gatewayError(sim, 404, NOT_FOUND, `Resource not found for segment '${rest.split(/[(/]/)[0]}'`);
  const { service, kind } = t;
  const url = new URL(c.req.url);
  const expand = (url.searchParams.get("$expand") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const header = service.types.get(kind.type)!;
  const isHeader = t.set === kind.set;
  if (isHeader && !t.keys) {
    if (method === "GET") {
      let rows = sim.store.list<Rec>(kind.set).filter((r) => matchesFilter(r, url.searchParams.get("$filter") ?? undefined));
      const count = rows.length;
      const skip = Number(url.searchParams.get("$skip") ?? 0);
      const top = url.searchParams.get("$top");
      rows = rows.slice(skip, top ? skip + Number(top) : undefined);
      const select = (url.searchParams.get("$select") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      const results = rows.map((r) => {
        const full = present(origin, service, kind, header, r, expand, kind.set);
        return select.length ? Object.fromEntries(Object.entries(full).filter(([k]) => k === "__metadata" || select.includes(k))) : full;
      });
      return json(200, { d: { results, ...(url.searchParams.get("$inlinecount") === "allpages" ? { __count: String(count) } : {}) } }, headers);
    }
    if (method === "POST") {
      const body = readJson(raw);
      validateEntity(service, header, body, "create");
      const doc = createDoc(sim, kind, body);
      const entity = present(origin, service, kind, header, doc, ["to_Item", "to_Item/to_PricingElement"], kind.set);
      headers.set("location", String((entity.__metadata as Rec).uri));
      headers.set("etag", String(doc.__etag));
      return json(201, { d: entity }, headers);
    }
    return gatewayError(sim, 405, INVALID_PROPERTY, `Method ${method} is not allowed for ${t.set}`);
  }
  const docKey = t.keys?.[kind.key];
  const doc = docKey ? sim.store.get<Rec>(kind.set, docKey) : null;
  if (!doc) return gatewayError(sim, 404, NOT_FOUND, `Resource not found for segment '${t.set}'`);
  if (isHeader) {
    if (method === "GET") {
      headers.set("etag", String(doc.__etag));
      const entity = present(origin, service, kind, header, doc, expand, kind.set);
      if (t.nav === "to_Item") return json(200, { d: { results: (entity.to_Item as Rec).results ?? [] } }, headers);
      return json(200, { d: entity }, headers);
    }
    if (method === "PATCH" || method === "MERGE" || method === "PUT") {
      // ConcurrencyMode="Fixed" on LastChangeDateTime: an update needs If-Match (428 without, 412 when stale).
      const ifMatch = c.req.header("if-match");
      if (!ifMatch) return gatewayError(sim, 428, PRECONDITION, "Precondition required: send the entity's ETag in If-Match");
      if (ifMatch !== "*" && ifMatch !== doc.__etag) return gatewayError(sim, 412, PRECONDITION, "Precondition failed: the entity was changed since the ETag was read");
      const body = readJson(raw);
      validateEntity(service, header, body, "update");
      const next = updateHeader(sim, kind, doc, body);
      headers.set("etag", String(next.__etag));
      return new Response(null, { status: 204, headers });
    }
    return gatewayError(sim, 405, INVALID_PROPERTY, `Method ${method} is not allowed for ${t.set}`);
  }
  // Items: no ETag property on the item type, so updates need no If-Match.
  const itemType = service.types.get(kind.itemType)!;
  const itemNo = t.keys?.[kind.itemKey];
  const item = ((doc.to_Item as Rec[] | undefined) ?? []).find((i) => String(i[kind.itemKey]) === itemNo);
  if (!itemNo || !item) return gatewayError(sim, 404, NOT_FOUND, `Resource not found for segment '${t.set}'`);
  if (method === "GET") return json(200, { d: present(origin, service, kind, itemType, item, expand, kind.itemSet) }, headers);
  if (method === "PATCH" || method === "MERGE") {
    const body = readJson(raw);
    validateEntity(service, itemType, body, "update");
    updateItem(sim, kind, doc, itemNo, body);
    return new Response(null, { status: 204, headers });
  }
  return gatewayError(sim, 405, INVALID_PROPERTY, `Method ${method} is not allowed for ${t.set}`);
}

export const sapS4hanaSimulator: Simulator = {
  slug: "sap-s4hana",

  routes(app: Hono, sim: SimContext) {
    // Someone edits a document in S/4 (tests use it to make an ETag stale).
    app.post("/_sim/touch/:set/:key", async (c) => {
      await drain(c);
      const kind = c.req.param("set") === CREDIT_MEMO.set ? CREDIT_MEMO : SALES_ORDER;
      const doc = sim.store.get<Rec>(kind.set, c.req.param("key"));
      if (!doc) return c.json({ error: "no such document" }, 404);
      return c.json({ etag: touch(sim, kind, doc).__etag });
    });

    app.all(`${ODATA}/:service/*`, async (c) => {
      // A refused request's body is read to the end first, as a server does before answering.
      const denied = authenticate(c, sim);
      if (denied) return (await drain(c), denied);
      const guard = csrf(c, sim);
      if (guard.response) return (await drain(c), guard.response);
      const service = c.req.param("service");
      const rest = decodeURIComponent(new URL(c.req.url).pathname.slice(`${ODATA}/${service}`.length).replace(/^\//, ""));
      try {
        return await handle(c, sim, service, rest, guard.headers);
      } catch (err) {
        if (err instanceof ODataFailure) return gatewayError(sim, err.status, err.code, err.message, err.target);
        throw err;
      }
    });
    app.all(`${ODATA}/:service`, async (c) => {
      const denied = authenticate(c, sim);
      if (denied) return (await drain(c), denied);
      const guard = csrf(c, sim);
      if (guard.response) return (await drain(c), guard.response);
      return json(200, { d: { EntitySets: [] } }, guard.headers);
    });
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    for (const kind of [SALES_ORDER, CREDIT_MEMO]) {
      for (const raw of sim.store.list<Rec>(kind.set)) {
        const t = grossTotal(raw);
        const strip = (r: Rec): Rec => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith("__")).map(([k, v]) => [k, Array.isArray(v) ? (v as Rec[]).map(strip) : v]));
        const clean = strip(raw);
        out.push({ kind: kind.set, id: String(raw[kind.key]), externalRef: String(raw.PurchaseOrderByCustomer ?? ""), total: t.total, currency: t.currency, raw: clean });
      }
    }
    return out;
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return gatewayError(sim, 429, "429", "Too many requests", "", { "retry-after": String(retryAfter) });
    if (kind === "server") return gatewayError(sim, 500, "/IWBEP/CM_MGW_RT/000", "Internal server error");
    return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
