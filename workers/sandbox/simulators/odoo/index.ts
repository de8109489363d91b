// Odoo simulator: XML-RPC (/xmlrpc/2/common, /xmlrpc/2/object), JSON-RPC (/jsonrpc) and JSON-2 (/json/2, Odoo 19+), per database and version.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { MODELS, OdooException, action, create, ensureSeeded, readRecord, records, search, unlink, write, type Database } from "./orm";
import { XmlRpcSyntaxError, fault, methodResponse, parseMethodCall, type Value } from "./xmlrpc";

type Named = Record<string, Value>;

function databases(sim: SimContext): Record<string, Database> {
  const cfg = sim.config();
  const key = String(cfg.apiKey ?? "demo-odoo-key");
  const login = String(cfg.login ?? "admin");
  const defaults: Record<string, Database> = {
    demo: { name: "demo", version: 19, login, apiKey: key, uid: 2, priceDigits: 2, quantityDigits: 2 },
    demo18: { name: "demo18", version: 18, login, apiKey: key, uid: 2, priceDigits: 2, quantityDigits: 2 },
  };
  return { ...defaults, ...sim.store.getSetting<Record<string, Database>>("odoo-databases", {}) };
}

function database(sim: SimContext, name: string): Database | null {
  const db = databases(sim)[name] ?? null;
  if (db) ensureSeeded(sim, db);
  return db;
}

const deny = () => new OdooException("odoo.exceptions.AccessDenied", "Access Denied");

/** Record methods take ids first; the others are model methods (odoo/api.py call_kw). */
const SIGNATURES: Record<string, { record: boolean; params: string[] }> = {
  create: { record: false, params: ["vals_list"] },
  search_read: { record: false, params: ["domain", "fields", "offset", "limit", "order"] },
  search: { record: false, params: ["domain", "offset", "limit", "order"] },
  search_count: { record: false, params: ["domain", "limit"] },
  read: { record: true, params: ["fields", "load"] },
  write: { record: true, params: ["vals"] },
  unlink: { record: true, params: [] },
  action_confirm: { record: true, params: [] },
  action_cancel: { record: true, params: [] },
  button_validate: { record: true, params: [] },
  action_post: { record: true, params: [] },
};

/** Runs model.method with named parameters (ids for record methods) — what every protocol ends in. */
function execute(sim: SimContext, db: Database, model: string, method: string, ids: Value | undefined, named: Named, context: Named): Value {
  if (method.startsWith("_")) throw new OdooException("odoo.exceptions.AccessError", `Private methods (such as '${method}') cannot be called remotely.`);
  if (!MODELS(db).includes(model)) throw new OdooException("builtins.KeyError", `'${model}'`);
  const sig = SIGNATURES[method];
  if (!sig) throw new OdooException("builtins.AttributeError", `The method '${method}' does not exist on the model '${model}'`);
  for (const k of Object.keys(named)) if (!sig.params.includes(k)) throw new OdooException("builtins.TypeError", `${model}.${method}() got an unexpected keyword argument '${k}'`);
  if (sig.record && ids === undefined) throw new OdooException("builtins.TypeError", `${model}.${method}() missing 1 required positional argument: 'ids'`);
  const activeTest = context.active_test !== false;
  switch (method) {
    case "create": {
      if (named.vals_list === undefined) throw new OdooException("builtins.TypeError", `${model}.create() missing 1 required positional argument: 'vals_list'`);
      return create(sim, db, model, named.vals_list);
    }
    case "search_read": {
      const rows = search(sim, db, model, named.domain ?? [], { offset: Number(named.offset ?? 0), limit: named.limit ? Number(named.limit) : undefined, order: named.order ? String(named.order) : undefined, activeTest });
      return rows.map((r) => readRecord(sim, db, model, r, (named.fields as string[] | undefined) ?? undefined));
    }
    case "search": return search(sim, db, model, named.domain ?? [], { offset: Number(named.offset ?? 0), limit: named.limit ? Number(named.limit) : undefined, order: named.order ? String(named.order) : undefined, activeTest }).map((r) => r.id!);
    case "search_count": return search(sim, db, model, named.domain ?? [], { activeTest }).length;
    case "read": {
      const wanted = (named.fields as string[] | undefined) ?? undefined;
      return (ids as number[]).map((id) => {
        const rec = records(sim, db, model).find((r) => r.id === id);
        if (!rec) throw new OdooException("odoo.exceptions.MissingError", `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${db.uid})`);
        return readRecord(sim, db, model, rec, wanted);
      });
    }
    case "write": return write(sim, db, model, ids!, named.vals ?? {});
    case "unlink": return unlink(sim, db, model, ids!);
    default: return action(sim, db, model, method, ids!);
  }
}

function traceback(e: OdooException): string {
  return `Traceback (most recent call last):\n  File "/opt/odoo/odoo/service/model.py", line 156, in retrying\n    result = func()\n  File "/opt/odoo/odoo/api.py", line 466, in call_kw\n    result = _call_kw_multi(method, model, args, kwargs)\n${e.pyName}: ${e.message}\n`;
}

/** XML-RPC faults as odoo/service/wsgi_server.py xmlrpc_handle_exception_int builds them. */
function faultOf(e: OdooException): string {
  const short = e.pyName.split(".").pop()!;
  if (short === "AccessDenied") return fault(3, e.message);
  if (short === "AccessError") return fault(4, e.message);
  if (["UserError", "ValidationError", "MissingError", "RedirectWarning"].includes(short)) return fault(2, e.message);
  return fault(1, traceback(e));
}

const xml = (body: string) => new Response(body, { status: 200, headers: { "content-type": "text/xml; charset=utf-8" } });

function throttle(sim: SimContext, db: Database, json: boolean): Response | null {
  const key = `odoo-faults:${db.name}`;
  const f = sim.store.getSetting<{ rateLimited?: number; retryAfterSeconds?: number }>(key, {});
  if (!f.rateLimited) return null;
  sim.store.setSetting(key, { ...f, rateLimited: f.rateLimited - 1 });
  sim.bump("throttled");
  const headers = { "retry-after": String(f.retryAfterSeconds ?? 1) };
  return json
    ? Response.json({ name: "werkzeug.exceptions.TooManyRequests", message: "Too many requests", arguments: ["Too many requests", 429], context: {}, debug: "" }, { status: 429, headers })
    : new Response("<html><title>429 Too Many Requests</title></html>", { status: 429, headers: { ...headers, "content-type": "text/html" } });
}

/** `common` and `object` services (shared by XML-RPC and JSON-RPC): positional args as Odoo's dispatchers take them. */
function dispatch(sim: SimContext, service: string, method: string, args: Value[], json: boolean): { value: Value } | { throttled: Response } {
  if (service === "common") {
    if (method === "version") return { value: { server_version: "18.0", server_version_info: [18, 0, 0, "final", 0, ""], server_serie: "18.0", protocol_version: 1 } };
    if (method === "authenticate" || method === "login") {
      const [dbName, login, password] = args as [string, string, string];
      const db = database(sim, String(dbName));
      // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#logging-in (False on failure)
      return { value: db && db.login === login && db.apiKey === password ? db.uid : false };
    }
    throw new OdooException("builtins.AttributeError", `The method '${method}' does not exist on service 'common'`);
  }
  if (service !== "object" || method !== "execute_kw") throw new OdooException("builtins.NameError", `Method not available ${method}`);
  const [dbName, uid, password, model, , positional = [], kwargs = {}] = args as [string, number, string, string, string, Value[], Named];
  const db = database(sim, String(dbName));
  if (!db || uid !== db.uid || password !== db.apiKey) throw deny();
  const limited = throttle(sim, db, json);
  if (limited) return { throttled: limited };
  const sig = SIGNATURES[String(args[4])];
  const pos = Array.isArray(positional) ? [...positional] : [];
  const { context = {}, ...rest } = (kwargs ?? {}) as Named;
  const named: Named = { ...rest };
  let ids: Value | undefined;
  if (sig?.record) ids = pos.shift();
  const method2 = String(args[4]);
  if (method2 === "create" && pos.length === 0 && db.version <= 18) {
    // odoo/api.py _call_kw_model_create reads args[0] (github.com/nabu-platform/nabu-integrations-odoo readme): vals_list only as kwargs fails.
    throw new OdooException("builtins.IndexError", "tuple index out of range");
  }
  (sig?.params ?? []).forEach((name, i) => {
    if (i >= pos.length) return;
    if (name in named) throw new OdooException("builtins.TypeError", `${String(model)}.${method2}() got multiple values for argument '${name}'`);
    named[name] = pos[i]!;
  });
  let value = execute(sim, db, String(model), method2, ids, named, context as Named);
  // A single dict given to create answers one id (odoo/api.py _call_kw_model_create).
  if (method2 === "create" && pos[0] && !Array.isArray(pos[0]) && Array.isArray(value)) value = value[0]!;
  return { value };
}

async function xmlrpcRoute(c: Context, sim: SimContext, service: string): Promise<Response> {
  let call;
  try {
    call = parseMethodCall(await c.req.text());
  } catch (err) {
    if (err instanceof XmlRpcSyntaxError) return xml(fault(1, `Traceback (most recent call last):\nxml.parsers.expat.ExpatError: ${err.message}\n`));
    throw err;
  }
  try {
    const out = dispatch(sim, service, call.method, call.params, false);
    return "throttled" in out ? out.throttled : xml(methodResponse(out.value));
  } catch (err) {
    if (err instanceof OdooException) return xml(faultOf(err));
    throw err;
  }
}

function jsonError(e: OdooException): Record<string, Value> {
  return { name: e.pyName, message: e.message, arguments: [e.message], context: {}, debug: traceback(e) };
}

/** JSON-2 status per exception (401 as ../shared/specs/odoo/json2_error.response.401.json; 422 for bad parameters). */
function json2Status(e: OdooException): number {
  const short = e.pyName.split(".").pop()!;
  if (short === "AccessDenied") return 401;
  if (short === "AccessError") return 403;
  if (short === "MissingError" || short === "KeyError" || short === "AttributeError") return 404;
  if (["UserError", "ValidationError", "TypeError", "ValueError", "IndexError"].includes(short)) return 422;
  return 500;
}

async function json2Route(c: Context, sim: SimContext): Promise<Response> {
  const dbName = c.req.header("x-odoo-database");
  const db = dbName ? database(sim, dbName) : null;
  if (!db || db.version < 19) {
    return Response.json({ name: "werkzeug.exceptions.NotFound", message: "404 Not Found: The requested URL was not found on the server.", arguments: [], context: {}, debug: "" }, { status: 404 });
  }
  const bearer = /^bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!bearer || bearer[1] !== db.apiKey) {
    // Verbatim shape of ../shared/specs/odoo/json2_error.response.401.json.
    const e = new OdooException("werkzeug.exceptions.Unauthorized", "Invalid apikey");
    return Response.json({ name: e.pyName, message: e.message, arguments: ["Invalid apikey", 401], context: {}, debug: traceback(e) }, { status: 401 });
  }
  const limited = throttle(sim, db, true);
  if (limited) return limited;
  let body: Named;
  try {
    const parsed = (await c.req.json()) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    body = parsed as Named;
  } catch {
    return Response.json(jsonError(new OdooException("werkzeug.exceptions.BadRequest", "The request body must be a JSON object.")), { status: 400 });
  }
  const { ids, context = {}, ...named } = body;
  try {
    return Response.json(execute(sim, db, c.req.param("model")!, c.req.param("method")!, ids, named, context as Named));
  } catch (err) {
    if (err instanceof OdooException) return Response.json(jsonError(err), { status: json2Status(err) });
    throw err;
  }
}

async function jsonrpcRoute(c: Context, sim: SimContext): Promise<Response> {
  const req = (await c.req.json().catch(() => ({}))) as { id?: Value; params?: { service?: string; method?: string; args?: Value[] } };
  try {
    const out = dispatch(sim, String(req.params?.service ?? ""), String(req.params?.method ?? ""), req.params?.args ?? [], true);
    if ("throttled" in out) return out.throttled;
    return Response.json({ jsonrpc: "2.0", id: req.id ?? null, result: out.value });
  } catch (err) {
    if (!(err instanceof OdooException)) throw err;
    return Response.json({ jsonrpc: "2.0", id: req.id ?? null, error: { code: 200, message: "Odoo Server Error", data: jsonError(err) } });
  }
}

export const odooSimulator: Simulator = {
  slug: "odoo",

  routes(app: Hono, sim: SimContext) {
    /** Adds or changes a database (name, version, login, apiKey, Decimal Accuracy digits). */
    app.post("/_sim/databases", async (c) => {
      const b = (await c.req.json()) as Partial<Database> & { name: string };
      const current = databases(sim)[b.name];
      const db: Database = { version: 19, login: "admin", apiKey: "demo-odoo-key", uid: 2, priceDigits: 2, quantityDigits: 2, ...current, ...b };
      sim.store.setSetting("odoo-databases", { ...sim.store.getSetting<Record<string, Database>>("odoo-databases", {}), [db.name]: db });
      ensureSeeded(sim, db);
      for (const [id, name] of [[1, "Product Price"], [2, "Product Unit of Measure"]] as const) {
        write(sim, db, "decimal.precision", [id], { digits: name === "Product Price" ? db.priceDigits : db.quantityDigits });
      }
      return c.json(db);
    });
    /** Database-scoped throttling (the database is in a header or the XML-RPC body, never in the URL the kit's `match` sees). */
    app.post("/_sim/faults", async (c) => {
      const b = (await c.req.json()) as { database: string; rateLimited?: number; retryAfterSeconds?: number };
      sim.store.setSetting(`odoo-faults:${b.database}`, { rateLimited: b.rateLimited ?? 0, retryAfterSeconds: b.retryAfterSeconds ?? 1 });
      return c.json({ ok: true });
    });

    // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html (XML-RPC, deprecated in 19)
    app.post("/xmlrpc/2/common", (c) => xmlrpcRoute(c, sim, "common"));
    app.post("/xmlrpc/2/object", (c) => xmlrpcRoute(c, sim, "object"));
    app.post("/jsonrpc", (c) => jsonrpcRoute(c, sim));
    // https://www.odoo.com/documentation/19.0/developer/reference/external_api.html (JSON-2)
    app.post("/json/2/:model/:method", (c) => json2Route(c, sim));
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    for (const db of Object.values(databases(sim))) {
      if (!sim.store.getSetting<boolean>(`odoo-seeded:${db.name}`, false)) continue;
      const currency = (id: Value) => records(sim, db, "res.currency").find((c) => c.id === id);
      const money = (v: Value, cur: Record<string, Value> | undefined) => Number(v).toFixed(Number(cur?.decimal_places ?? 2));
      for (const so of records(sim, db, "sale.order")) {
        const cur = currency(so.currency_id!);
        const lines = records(sim, db, "sale.order.line").filter((l) => l.order_id === so.id).map((l) => readRecord(sim, db, "sale.order.line", l));
        const pickings = records(sim, db, "stock.picking").filter((p) => p.sale_id === so.id).map((p) => readRecord(sim, db, "stock.picking", p));
        out.push({ kind: "sale.order", id: String(so.id), externalRef: String(so.client_order_ref || ""), total: money(so.amount_total!, cur), currency: String(cur?.name ?? "USD"), raw: { ...readRecord(sim, db, "sale.order", so), order_line: lines, pickings, database: db.name } });
      }
      for (const m of records(sim, db, "account.move")) {
        const cur = currency(m.currency_id!);
        const lines = records(sim, db, "account.move.line").filter((l) => l.move_id === m.id).map((l) => readRecord(sim, db, "account.move.line", l));
        out.push({ kind: "account.move", id: String(m.id), externalRef: String(m.ref || ""), total: money(m.amount_total!, cur), currency: String(cur?.name ?? "USD"), raw: { ...readRecord(sim, db, "account.move", m), invoice_line_ids: lines, database: db.name } });
      }
    }
    return out;
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return new Response("<html><title>429 Too Many Requests</title></html>", { status: 429, headers: { "retry-after": String(retryAfter), "content-type": "text/html" } });
    if (kind === "server") return new Response("<html><title>500 Internal Server Error</title></html>", { status: 500, headers: { "content-type": "text/html" } });
    return new Response("<html><title>504 Gateway Time-out</title></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
