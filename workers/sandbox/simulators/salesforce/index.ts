// Salesforce simulator: OAuth 2 token endpoint, REST sObjects (create, upsert by External ID, update, delete), SOQL, composite graph.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { SfError, Tx, createRecord, deleteRecord, ensureOrg, places, updateRecord, upsertRecord, type Rec } from "./org";
import { runQuery } from "./soql";

const ORG_ID = "00D000000000001AAA";
const USER_ID = "005000000000001AAA";

function errors(e: SfError, headers: Record<string, string> = {}): Response {
  return Response.json(e.body(), { status: e.status, headers });
}

function limited(sim: SimContext, retryAfter: number, count = true): Response {
  if (count) sim.bump("throttled");
  // REQUEST_LIMIT_EXCEEDED is a 403 (app limits cheat sheet); Salesforce sends no Retry-After, the sandbox adds its fault's.
  return errors(new SfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), { "retry-after": String(retryAfter) });
}

// ------------------------------------------------------------------ OAuth 2

interface Client {
  secret: string;
  refreshTokens: string[];
}

function client(sim: SimContext, id: string): Client | null {
  const stored = sim.store.get<Client>("sf-clients", id);
  if (stored) return stored;
  const cfg = sim.config();
  if (id !== String(cfg.clientId ?? "demo-sf-client")) return null;
  return { secret: String(cfg.clientSecret ?? "demo-sf-secret"), refreshTokens: [String(cfg.refreshToken ?? "demo-sf-refresh")] };
}

// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
async function token(c: Context, sim: SimContext): Promise<Response> {
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const grant = form.get("grant_type");
  const oauth = (error: string, description: string, status = 400) => Response.json({ error, error_description: description }, { status });
  if (grant !== "client_credentials" && grant !== "refresh_token") return oauth("unsupported_grant_type", "grant type not supported");
  const cl = client(sim, form.get("client_id") ?? "");
  if (!cl) return oauth("invalid_client_id", "client identifier invalid");
  if (form.get("client_secret") !== cl.secret) return oauth("invalid_client", "invalid client credentials");
  if (grant === "refresh_token" && !cl.refreshTokens.includes(form.get("refresh_token") ?? "")) return oauth("invalid_grant", "expired access/refresh token");
  const rand = () => Math.floor(sim.random() * 2 ** 32).toString(36);
  const accessToken = `${ORG_ID}!AR${rand()}${rand()}${rand()}.${rand()}${rand()}`;
  const now = sim.now().getTime();
  sim.store.put("sf-sessions", accessToken, { issuedAt: now, expiresAt: now + Number(sim.config().sessionSeconds ?? 7200) * 1000 });
  return Response.json({
    access_token: accessToken,
    signature: btoa(`${accessToken}${now}`).slice(0, 44),
    ...(grant === "refresh_token" ? { scope: "api refresh_token" } : {}),
    instance_url: sim.baseUrl,
    id: `${sim.baseUrl}/id/${ORG_ID}/${USER_ID}`,
    token_type: "Bearer",
    issued_at: String(now),
  });
}

function session(c: Context, sim: SimContext): boolean {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("sessionsValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  const s = m ? sim.store.get<{ issuedAt: number; expiresAt: number }>("sf-sessions", m[1]!) : null;
  return !!s && s.expiresAt > sim.now().getTime() && s.issuedAt > sim.store.getSetting<number>("sessionsValidAfter", 0);
}

// ------------------------------------------------------------------ sObject operations

type Result = { status: number; body: unknown; headers?: Record<string, string> };

/** Runs one sObject request (outside or inside a graph) against a transaction. */
function sobject(sim: SimContext, tx: Tx, method: string, version: string, parts: string[], body: unknown): Result {
  const [type, a, b] = parts.map(decodeURIComponent) as [string, string?, string?];
  const rec = (body ?? {}) as Rec;
  if ((method === "POST" || method === "PATCH") && (!body || typeof body !== "object" || Array.isArray(body))) {
    throw new SfError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object");
  }
  if (method === "POST" && a === undefined) {
    const id = createRecord(sim, tx, type, rec);
    return { status: 201, body: { id, success: true, errors: [] }, headers: { location: `/services/data/${version}/sobjects/${type}/${id}` } };
  }
  if (a !== undefined && b !== undefined && method === "PATCH") {
    const out = upsertRecord(sim, tx, type, a, b, rec);
    if ("multiple" in out) return { status: 300, body: out.multiple.map((id) => `/services/data/${version}/sobjects/${type}/${id}`) };
    return { status: out.created ? 201 : 200, body: { id: out.id, success: true, errors: [], created: out.created } };
  }
  if (a !== undefined && b === undefined) {
    if (method === "GET") {
      const found = tx.get(type, a);
      if (!found) throw new SfError(404, "NOT_FOUND", "The requested resource does not exist");
      return { status: 200, body: { attributes: { type, url: `/services/data/${version}/sobjects/${type}/${a}` }, ...found } };
    }
    if (method === "PATCH") {
      updateRecord(sim, tx, type, a, rec);
      return { status: 204, body: null };
    }
    if (method === "DELETE") {
      deleteRecord(sim, tx, type, a);
      return { status: 204, body: null };
    }
  }
  throw new SfError(405, "METHOD_NOT_ALLOWED", `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,DELETE`);
}

/** `/services/data/v62.0/sobjects/Order/…` → version and the parts after sobjects/. */
function parseUrl(url: string): { version: string; parts: string[] } | null {
  const m = /^\/services\/data\/(v\d+\.\d)\/sobjects\/([^?]+)$/.exec(url);
  return m ? { version: m[1]!, parts: m[2]!.split("/").filter(Boolean) } : null;
}

// ------------------------------------------------------------------ composite graph

const NODE_KEYS = new Set(["method", "url", "referenceId", "body", "httpHeaders"]);
const REFERENCE = /@\{([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_.\[\]]+)\}/g;

/** Shape rules of a graph request (resources_composite_graph.htm; limits: 500 nodes per graph, depth 15). */
function validateGraphs(body: unknown): Array<{ graphId: string; compositeRequest: Array<{ method: string; url: string; referenceId: string; body?: unknown }> }> {
  const bad = (m: string) => new SfError(400, "JSON_PARSER_ERROR", m);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw bad("The request body must be a JSON object with a graphs array");
  for (const k of Object.keys(body)) if (k !== "graphs") throw bad(`Unrecognized field "${k}" (class CompositeGraphRequest), not marked as ignorable`);
  const graphs = (body as { graphs?: unknown }).graphs;
  if (!Array.isArray(graphs) || graphs.length === 0) throw bad("graphs: a non-empty array is required");
  if (graphs.length > 75) throw new SfError(400, "LIMIT_EXCEEDED", "A composite graph request can contain at most 75 graphs");
  const ids = new Set<string>();
  for (const g of graphs as Array<Record<string, unknown>>) {
    for (const k of Object.keys(g)) if (k !== "graphId" && k !== "compositeRequest") throw bad(`Unrecognized field "${k}" (class Graph), not marked as ignorable`);
    if (typeof g.graphId !== "string" || g.graphId === "") throw bad("graphId is required");
    if (ids.has(g.graphId)) throw new SfError(400, "INVALID_INPUT", `Duplicate graphId: ${g.graphId}`);
    ids.add(g.graphId);
    const nodes = g.compositeRequest;
    if (!Array.isArray(nodes) || nodes.length === 0) throw bad(`graph ${g.graphId}: compositeRequest must be a non-empty array`);
    if (nodes.length > 500) throw new SfError(400, "LIMIT_EXCEEDED", `graph ${g.graphId} has ${nodes.length} nodes; the limit is 500`);
    const depth = new Map<string, number>();
    for (const n of nodes as Array<Record<string, unknown>>) {
      for (const k of Object.keys(n)) if (!NODE_KEYS.has(k)) throw bad(`Unrecognized field "${k}" (class CompositeSubrequest), not marked as ignorable`);
      if (!["GET", "POST", "PATCH", "PUT", "DELETE"].includes(String(n.method))) throw bad(`method: ${String(n.method)} is not a valid HTTP method`);
      if (typeof n.referenceId !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(n.referenceId)) throw new SfError(400, "INVALID_INPUT", `Invalid referenceId: ${String(n.referenceId)}. A reference ID starts with a letter and holds only letters, digits and underscores.`);
      if (depth.has(n.referenceId)) throw new SfError(400, "INVALID_INPUT", `Duplicate referenceId: ${n.referenceId}`);
      if (typeof n.url !== "string" || !parseUrl(n.url.replace(REFERENCE, "x"))) throw new SfError(400, "INVALID_INPUT", `Composite graph supports sObject resources only: ${String(n.url)}`);
      const refs = [...JSON.stringify([n.url, n.body ?? null]).matchAll(REFERENCE)].map((m) => m[1]!);
      for (const r of refs) if (!depth.has(r)) throw new SfError(400, "INVALID_INPUT", `Invalid reference specified. No value for ${r} found in graph ${g.graphId}. Provided referenceId ('${r}') must precede the node that refers to it.`);
      const d = 1 + Math.max(0, ...refs.map((r) => depth.get(r)!));
      if (d > 15) throw new SfError(400, "LIMIT_EXCEEDED", `graph ${g.graphId} is deeper than 15 levels`);
      depth.set(n.referenceId, d);
      if ((n.method === "POST" || n.method === "PATCH") && (typeof n.body !== "object" || n.body === null || Array.isArray(n.body))) throw bad(`node ${n.referenceId}: body must be a JSON object`);
    }
  }
  return graphs as ReturnType<typeof validateGraphs>;
}

function dig(value: unknown, path: string): unknown {
  return path.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Runs one graph in one transaction: all nodes or none (PROCESSING_HALTED for the others). */
function runGraph(sim: SimContext, g: ReturnType<typeof validateGraphs>[number]): Rec {
  const tx = new Tx(sim);
  const done: Array<{ referenceId: string; result: Result }> = [];
  const bodies = new Map<string, unknown>();
  let failure: { index: number; error: SfError } | null = null;
  g.compositeRequest.forEach((n, index) => {
    if (failure) return;
    try {
      const resolve = (text: string) =>
        text.replace(REFERENCE, (_m, ref: string, path: string) => {
          const v = dig(bodies.get(ref), path);
          if (v === undefined || v === null) throw new SfError(400, "INVALID_REFERENCE", `Invalid reference specified. No value for ${ref}.${path} found in ${ref}.`);
          return String(v);
        });
      const url = parseUrl(resolve(n.url))!;
      const body = n.body === undefined ? undefined : JSON.parse(resolve(JSON.stringify(n.body)));
      const result = sobject(sim, tx, n.method, url.version, url.parts, body);
      bodies.set(n.referenceId, result.body);
      done.push({ referenceId: n.referenceId, result });
    } catch (err) {
      if (!(err instanceof SfError)) throw err;
      failure = { index, error: err };
    }
  });
  if (!failure) tx.commit();
  const halted = [{ errorCode: "PROCESSING_HALTED", message: "The transaction was rolled back since another operation in the same transaction failed." }];
  const f = failure as { index: number; error: SfError } | null;
  return {
    graphId: g.graphId,
    graphResponse: {
      compositeResponse: g.compositeRequest.map((n, i) => {
        if (f && i === f.index) return { body: f.error.body(), httpHeaders: {}, httpStatusCode: f.error.status, referenceId: n.referenceId };
        if (f) return { body: halted, httpHeaders: {}, httpStatusCode: 400, referenceId: n.referenceId };
        const r = done[i]!.result;
        return { body: r.body, httpHeaders: r.headers ?? {}, httpStatusCode: r.status, referenceId: n.referenceId };
      }),
    },
    isSuccessful: !f,
  };
}

// ------------------------------------------------------------------ routes

function apiVersionOk(v: string): boolean {
  const n = Number(v.slice(1));
  return n >= 20 && n <= 66;
}

export const salesforceSimulator: Simulator = {
  slug: "salesforce",

  routes(app: Hono, sim: SimContext) {
    app.post("/_sim/clients", async (c) => {
      const b = (await c.req.json()) as { clientId: string; clientSecret: string; refreshToken?: string };
      sim.store.put("sf-clients", b.clientId, { secret: b.clientSecret, refreshTokens: b.refreshToken ? [b.refreshToken] : [] } satisfies Client);
      return c.json({ ok: true });
    });

    app.post("/services/oauth2/token", (c) => token(c, sim));

    app.use("/services/data/*", async (c, next) => {
      ensureOrg(sim);
      if (!session(c, sim)) return errors(new SfError(401, "INVALID_SESSION_ID", "Session expired or invalid"));
      // Daily API request allocation (100,000 + per-licence adder, rolling 24 h) → REQUEST_LIMIT_EXCEEDED.
      const limit = Number(sim.config().dailyApiRequests ?? 100_000);
      const wait = sim.rateLimit("sf:daily", limit, 86_400);
      if (wait > 0) return limited(sim, wait);
      const used = sim.store.getSetting<number>("sf:used", 0) + 1;
      sim.store.setSetting("sf:used", used);
      await next();
      c.res.headers.set("sforce-limit-info", `api-usage=${used}/${limit}`);
    });

    app.all("/services/data/:version/*", async (c) => {
      const version = c.req.param("version");
      if (!/^v\d+\.\d$/.test(version) || !apiVersionOk(version)) return errors(new SfError(404, "NOT_FOUND", "The requested resource does not exist"));
      const rest = new URL(c.req.url).pathname.slice(`/services/data/${version}/`.length);
      try {
        // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
        if (rest === "query" && c.req.method === "GET") return Response.json(runQuery(sim, new Tx(sim), c.req.query("q") ?? "", version));
        // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph.htm
        if (rest === "composite/graph" && c.req.method === "POST") {
          if (Number(version.slice(1)) < 50) return errors(new SfError(404, "NOT_FOUND", "The requested resource does not exist"));
          let body: unknown;
          try {
            body = await c.req.json();
          } catch {
            throw new SfError(400, "JSON_PARSER_ERROR", "Unexpected character: the body is not JSON");
          }
          return Response.json({ graphs: validateGraphs(body).map((g) => runGraph(sim, g)) });
        }
        const url = parseUrl(new URL(c.req.url).pathname);
        if (!url) return errors(new SfError(404, "NOT_FOUND", "The requested resource does not exist"));
        const tx = new Tx(sim);
        const text = c.req.method === "GET" || c.req.method === "DELETE" ? "" : await c.req.text();
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          throw new SfError(400, "JSON_PARSER_ERROR", "Unexpected character: the body is not JSON");
        }
        const result = sobject(sim, tx, c.req.method, version, url.parts, body);
        tx.commit();
        return result.body === null ? new Response(null, { status: result.status }) : Response.json(result.body, { status: result.status, headers: result.headers });
      } catch (err) {
        if (err instanceof SfError) return errors(err);
        throw err;
      }
    });
  },

  /** Orders, and credit orders (Type "Return": negative quantities; their total is shown as the credit amount). */
  inspect(sim: SimContext): InspectDocument[] {
    const tx = new Tx(sim);
    return tx.list("Order").map((o) => {
      const currency = String(o.CurrencyIsoCode ?? "USD");
      const p = places(sim, currency);
      const credit = o.Type === "Return";
      const total = Number(o.TotalAmount ?? 0) * (credit ? -1 : 1);
      const items = tx.list("OrderItem").filter((i) => i.OrderId === o.Id);
      return {
        kind: credit ? "CreditOrder" : "Order",
        id: String(o.Id),
        externalRef: String(o.External_Order_Id__c ?? ""),
        total: (Math.round(total * 10 ** p) / 10 ** p).toFixed(p),
        currency,
        raw: { attributes: { type: "Order" }, ...o, OrderItems: { totalSize: items.length, done: true, records: items } },
      };
    });
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return limited(sim, retryAfter, false);
    if (kind === "server") return errors(new SfError(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)"));
    return errors(new SfError(504, "REQUEST_RUNNING_TOO_LONG", "Your request was running for too long, and has been stopped."));
  },
};
