// SAP Business One simulator: Service Layer /b1s/v1 with Login sessions (B1SESSION + ROUTEID), documents and actions.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { formatMinor, toMinor } from "../../../../shared/model/money";
import { B1Failure, createDocument, createItem, createPartner, DOCUMENT_ENTITIES, documentAction, item, partner, partners, updateDocument, type DocumentEntity, type Rec } from "./documents";
import { matches, ODataError, orderBy, parseFilter, select } from "./odata";

const SL = "/b1s/v1";
const ROUTE = ".node1";

/** v1 error body `{"error":{"code":…,"message":{"lang":"en-us","value":…}}}` (destinations.md §2 [V]). */
function b1Error(status: number, code: number, value: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message: { lang: "en-us", value } } }), { status, headers: { "content-type": "application/json;odata=minimalmetadata;charset=utf-8", ...headers } });
}

/** 401 code 301 for a missing, unknown or expired session (github.com/NangoHQ/nango/pull/6638, live Service Layer). */
function invalidSession(): Response {
  return b1Error(401, 301, "Invalid session or session already timeout.");
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json;odata=minimalmetadata;charset=utf-8" } });
}

interface Session {
  companyDB: string;
  userName: string;
  createdAt: number;
  lastUsed: number;
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function timeoutMs(sim: SimContext): number {
  return Number(sim.config().sessionTimeoutMinutes ?? 30) * 60_000;
}

/** POST /Login: the company, user and password the simulator accepts (SAP's demo DB SBODEMOUS, user manager by default). */
async function login(c: Context, sim: SimContext): Promise<Response> {
  let body: Rec;
  try {
    body = (await c.req.json()) as Rec;
  } catch {
    return b1Error(400, -1000, "Invalid request body");
  }
  const cfg = sim.config();
  const ok =
    body.CompanyDB === String(cfg.companyDB ?? "SBODEMOUS") && body.UserName === String(cfg.userName ?? "manager") && body.Password === String(cfg.password ?? "demo-b1-password");
  if (!ok) return b1Error(401, 100000027, "Login failed");
  const id = crypto.randomUUID();
  const now = sim.now().getTime();
  sim.store.put("sessions", id, { companyDB: String(body.CompanyDB), userName: String(body.UserName), createdAt: now, lastUsed: now } satisfies Session);
  const minutes = Number(cfg.sessionTimeoutMinutes ?? 30);
  const headers = new Headers({ "content-type": "application/json;odata=minimalmetadata;charset=utf-8" });
  // Set-Cookie exactly as the Service Layer sends them: `B1SESSION=<guid>;HttpOnly;` and the load balancer's ROUTEID.
  headers.append("set-cookie", `B1SESSION=${id};HttpOnly;`);
  headers.append("set-cookie", `ROUTEID=${ROUTE}; path=/b1s`);
  const origin = new URL(c.req.url).origin;
  return new Response(JSON.stringify({ "odata.metadata": `${origin}/sap-business-one${SL}/$metadata#B1Sessions/@Element`, SessionId: id, Version: "1000190", SessionTimeout: minutes }), { status: 200, headers });
}

/** Every call but Login needs a live session: both cookies, not timed out (30 minutes, sliding), not expired by a fault. */
function checkSession(c: Context, sim: SimContext): Response | null {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("sessionsValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  const jar = cookies(c.req.header("cookie"));
  const id = jar.B1SESSION;
  // Without ROUTEID the load balancer may send the call to a node that never saw the session.
  if (!id || jar.ROUTEID !== ROUTE) return invalidSession();
  const s = sim.store.get<Session>("sessions", id);
  const now = sim.now().getTime();
  if (!s || now - s.lastUsed > timeoutMs(sim) || s.createdAt < sim.store.getSetting<number>("sessionsValidAfter", 0)) {
    sim.bump("sessions_rejected");
    return invalidSession();
  }
  sim.store.put("sessions", id, { ...s, lastUsed: now });
  return null;
}

function isDocumentEntity(e: string): e is DocumentEntity {
  return (DOCUMENT_ENTITIES as readonly string[]).includes(e);
}

function metadata(c: Context, entity: string, element = false): string {
  return `${new URL(c.req.url).origin}/sap-business-one${SL}/$metadata#${entity}${element ? "/@Element" : ""}`;
}

/** `GET /<Entity>?$filter&$select&$orderby&$top&$skip`: pages of 20 unless Prefer: odata.maxpagesize says otherwise. */
function collection(c: Context, entity: string, rows: Rec[]): Response {
  const url = new URL(c.req.url);
  let out = rows.filter((r) => matches(r, parseFilter(url.searchParams.get("$filter") ?? undefined)));
  out = orderBy(out, url.searchParams.get("$orderby") ?? undefined);
  const skip = Number(url.searchParams.get("$skip") ?? 0);
  const prefer = /odata\.maxpagesize=(\d+)/.exec(c.req.header("prefer") ?? "");
  const top = url.searchParams.get("$top");
  const pageSize = top ? Number(top) : prefer ? Number(prefer[1]) : 20;
  const page = out.slice(skip, skip + pageSize);
  const body: Rec = { "odata.metadata": metadata(c, entity), value: page.map((r) => select(r, url.searchParams.get("$select") ?? undefined)) };
  if (!top && skip + pageSize < out.length) {
    url.searchParams.set("$skip", String(skip + pageSize));
    body["odata.nextLink"] = `${entity}?${url.searchParams.toString()}`;
  }
  return json(200, body);
}

/** Path → entity, key and action: `/Orders`, `/Orders(12)`, `/Items('A00001')`, `/Orders(12)/Close`. */
function route(path: string): { entity: string; key?: string; action?: string } | null {
  const m = /^\/b1s\/v1\/([A-Za-z]+)(?:\(([^)]*)\))?(?:\/([A-Za-z]+))?$/.exec(decodeURIComponent(path));
  if (!m) return null;
  let key = m[2];
  if (key !== undefined && key.startsWith("'")) key = key.slice(1, -1).replace(/''/g, "'");
  return { entity: m[1]!, key, action: m[3] };
}

async function bodyOf(c: Context): Promise<Rec> {
  try {
    const b = (await c.req.json()) as unknown;
    if (typeof b === "object" && b !== null && !Array.isArray(b)) return b as Rec;
  } catch {
    // fall through
  }
  throw new B1Failure(400, -1000, "Invalid request body");
}

async function handle(c: Context, sim: SimContext): Promise<Response> {
  const r = route(c.req.path);
  if (!r) return b1Error(404, -1000, "Resource not found");
  const method = c.req.method;
  const { entity, key, action } = r;
  if (isDocumentEntity(entity)) {
    if (key === undefined) {
      if (method === "GET") return collection(c, entity, sim.store.list<Rec>(entity));
      if (method === "POST") return json(201, { "odata.metadata": metadata(c, entity, true), ...createDocument(sim, entity, await bodyOf(c)) });
      return b1Error(405, -1000, "Method not allowed");
    }
    const doc = sim.store.get<Rec>(entity, key);
    if (!doc) return b1Error(404, -2028, "No matching records found (ODBC -2028)");
    if (action) {
      if (method !== "POST") return b1Error(405, -1000, "Method not allowed");
      documentAction(sim, entity, doc, action);
      return new Response(null, { status: 204 });
    }
    if (method === "GET") return json(200, { "odata.metadata": metadata(c, entity, true), ...doc });
    if (method === "PATCH") {
      updateDocument(sim, entity, doc, await bodyOf(c), c.req.header("b1s-replacecollectionsonpatch") === "true");
      return new Response(null, { status: 204 });
    }
    return b1Error(405, -1000, "Method not allowed");
  }
  if (entity === "Items" || entity === "BusinessPartners") {
    const one = (k: string) => (entity === "Items" ? item(sim, k) : partner(sim, k));
    if (key === undefined) {
      if (method === "GET") return collection(c, entity, entity === "Items" ? sim.store.list<Rec>("Items") : partners(sim));
      if (method === "POST") {
        const body = await bodyOf(c);
        return json(201, { "odata.metadata": metadata(c, entity, true), ...(entity === "Items" ? createItem(sim, body) : createPartner(sim, body)) });
      }
      return b1Error(405, -1000, "Method not allowed");
    }
    const rec = one(key);
    if (!rec) return b1Error(404, -2028, "No matching records found (ODBC -2028)");
    if (method === "GET") return json(200, { "odata.metadata": metadata(c, entity, true), ...rec });
    return b1Error(405, -1000, "Method not allowed");
  }
  return b1Error(404, -1000, `Resource not found for the segment '${entity}'`);
}

export const sapBusinessOneSimulator: Simulator = {
  slug: "sap-business-one",

  routes(app: Hono, sim: SimContext) {
    // https://learning.sap.com/courses/leveraging-the-sap-business-one-service-layer (Login / Logout)
    app.post(`${SL}/Login`, (c) => login(c, sim));
    app.post(`${SL}/Logout`, (c) => {
      const id = cookies(c.req.header("cookie")).B1SESSION;
      if (id) sim.store.delete("sessions", id);
      return new Response(null, { status: 204 });
    });
    app.all(`${SL}/*`, async (c) => {
      const limit = Number(sim.config().concurrency ?? 0);
      if (limit > 0 && !sim.acquireSlot("server", limit)) {
        sim.bump("throttled");
        return b1Error(429, -1, "Too many requests", { "retry-after": "1" });
      }
      try {
        const denied = checkSession(c, sim);
        if (denied) return (await c.req.arrayBuffer().catch(() => undefined), denied);
        return await handle(c, sim);
      } catch (err) {
        if (err instanceof B1Failure) return b1Error(err.status, err.code, err.message);
        if (err instanceof ODataError) return b1Error(400, -1000, err.message);
        throw err;
      } finally {
        if (limit > 0) sim.releaseSlot("server");
      }
    });
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    for (const entity of DOCUMENT_ENTITIES) {
      for (const raw of sim.store.list<Rec>(entity)) {
        const currency = String(raw.DocCurrency ?? "USD");
        out.push({ kind: entity, id: String(raw.DocEntry), externalRef: String(raw.NumAtCard ?? ""), total: formatMinor(toMinor(Number(raw.DocTotal ?? 0), currency), currency), currency, raw });
      }
    }
    return out;
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return b1Error(429, -1, "Too many requests", { "retry-after": String(retryAfter) });
    if (kind === "server") return b1Error(500, -1, "Internal server error");
    return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
