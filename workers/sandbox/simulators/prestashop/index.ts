// The PrestaShop sandbox: the webservice (/api/orders, order_slip, order_payments, order_carriers, order_states,
// currencies) in XML and JSON output, ws_key auth, list parameters, and back-office state changes and credit slips.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { issueSlip, setState } from "./lifecycle";
import { project, readListQuery, WsError, type Rec } from "./query";
import { CARRIERS, ORDERS, PAYMENTS, seedOrder, settings, SLIPS } from "./records";
import { jsonRecord, xmlErrors, xmlList, xmlOne } from "./render";
import { blankSchema, orderFields, orderStates } from "./schema";

/** JSON when asked by output_format=JSON or an Output-Format / Io-Format header; XML otherwise (the default). */
function wantsJson(c: Context): boolean {
  const q = c.req.query("output_format") ?? c.req.query("io_format");
  const h = c.req.header("Output-Format") ?? c.req.header("Io-Format");
  return (q ?? h ?? "").toUpperCase() === "JSON";
}

function failure(c: Context, status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  if (wantsJson(c)) return Response.json({ errors: [{ code, message }] }, { status, headers });
  return new Response(xmlErrors([{ code, message }]), { status, headers: { "content-type": "text/xml;charset=utf-8", ...headers } });
}

/**
 * https://devdocs.prestashop-project.org/8/webservice/tutorials/creating-access/ — the key as HTTP Basic user with an
 * empty password, or ?ws_key=.
 */
function keyOf(c: Context): string | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header("Authorization") ?? "");
  if (basic) {
    try {
      return atob(basic[1]!).split(":")[0];
    } catch {
      return "";
    }
  }
  return c.req.query("ws_key");
}

interface Resource {
  listNode: string;
  itemNode: string;
  all(sim: SimContext): Rec[];
  fields(sim: SimContext): Set<string>;
}

function storeResource(collection: string, listNode: string, itemNode: string, fields: string[]): Resource {
  return { listNode, itemNode, all: (sim) => sim.store.list<Rec>(collection), fields: () => new Set(["id", ...fields]) };
}

/** Fields of each resource (classes/order/OrderSlip.php, OrderPayment.php, OrderCarrier.php definitions). */
const RESOURCES: Record<string, Resource> = {
  orders: { ...storeResource(ORDERS, "orders", "order", []), fields: () => new Set([...orderFields().order]) },
  order_slip: storeResource(SLIPS, "order_slips", "order_slip", [
    "id_customer", "id_order", "conversion_rate", "total_products_tax_excl", "total_products_tax_incl", "total_shipping_tax_excl",
    "total_shipping_tax_incl", "amount", "shipping_cost", "shipping_cost_amount", "partial", "date_add", "date_upd", "order_slip_type",
  ]),
  order_payments: storeResource(PAYMENTS, "order_payments", "order_payment", [
    "order_reference", "id_currency", "amount", "payment_method", "conversion_rate", "transaction_id", "card_number", "card_brand",
    "card_expiration", "card_holder", "date_add",
  ]),
  order_carriers: storeResource(CARRIERS, "order_carriers", "order_carrier", [
    "id_order", "id_carrier", "id_order_invoice", "weight", "shipping_cost_tax_excl", "shipping_cost_tax_incl", "tracking_number", "date_add",
  ]),
  order_states: {
    listNode: "order_states",
    itemNode: "order_state",
    all: () =>
      orderStates().map((s) => ({
        id: s.id,
        unremovable: "1",
        delivery: s.delivery ? "1" : "0",
        hidden: "0",
        send_email: s.template ? "1" : "0",
        module_name: "",
        invoice: s.paid ? "1" : "0",
        color: "#34209E",
        logable: s.logable ? "1" : "0",
        shipped: s.shipped ? "1" : "0",
        paid: s.paid ? "1" : "0",
        pdf_delivery: "0",
        pdf_invoice: s.paid ? "1" : "0",
        deleted: "0",
        name: [{ id: "1", value: s.name }],
        template: [{ id: "1", value: s.template }],
      })),
    fields: () => new Set(["id", "name", "template", "paid", "shipped", "delivery", "logable", "invoice", "deleted"]),
  },
  currencies: {
    listNode: "currencies",
    itemNode: "currency",
    all: (sim) => settings(sim).currencies,
    fields: () => new Set(["id", "iso_code", "name", "conversion_rate", "deleted", "active"]),
  },
};

function render(c: Context, sim: SimContext, resource: string, r: Resource, rows: Rec[], idsOnly: boolean): Response {
  if (wantsJson(c)) {
    // An empty list is `[]` in the JSON output, not an object.
    return c.json(rows.length === 0 ? [] : { [r.listNode]: rows.map(jsonRecord) });
  }
  return new Response(xmlList(sim.baseUrl, r.listNode, r.itemNode, resource, rows, idsOnly), { headers: { "content-type": "text/xml;charset=utf-8" } });
}

export const prestashopSimulator: Simulator = {
  slug: "prestashop",

  routes(app: Hono, sim: SimContext) {
    app.use("/api/*", async (c, next) => {
      const key = keyOf(c);
      const realm = { "WWW-Authenticate": 'Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as the login. No password required."' };
      if (!key) return failure(c, 401, 17, "Authentication key is empty", realm);
      if (key !== settings(sim).webserviceKey) return failure(c, 401, 18, "Invalid authentication key", realm);
      await next();
      c.res.headers.set("PSWS-Version", "8.1.0");
    });

    app.get("/api/:resource", (c) => {
      const name = c.req.param("resource");
      const r = RESOURCES[name];
      if (!r) return failure(c, 404, 22, `Resource of type "${name}" not found`);
      if (name === "orders" && c.req.query("schema") === "blank") return new Response(blankSchema, { headers: { "content-type": "text/xml;charset=utf-8" } });
      try {
        const q = readListQuery(new URL(c.req.url).searchParams, r.fields(sim));
        const rows = q.apply(r.all(sim)).map((row) => project(row, q.display));
        return render(c, sim, name, r, rows, q.display === "ids");
      } catch (err) {
        if (err instanceof WsError) return failure(c, err.status, err.code, err.message);
        throw err;
      }
    });

    app.get("/api/:resource/:id", (c) => {
      const name = c.req.param("resource");
      const r = RESOURCES[name];
      if (!r) return failure(c, 404, 22, `Resource of type "${name}" not found`);
      const row = r.all(sim).find((x) => String(x.id) === c.req.param("id"));
      if (!row) return failure(c, 404, 87, `Id(s) not exists: ${c.req.param("id")}`);
      if (wantsJson(c)) return c.json({ [r.itemNode]: jsonRecord(row) });
      return new Response(xmlOne(sim.baseUrl, r.itemNode, row), { headers: { "content-type": "text/xml;charset=utf-8" } });
    });

    app.all("/api/*", (c) => failure(c, 405, 100, "Method not allowed in this simulator (read-only webservice)"));

    // ---- simulator controls (never faulted, no auth): the back office's own actions on an order

    app.post("/_sim/orders/:id/:action", async (c) => {
      const order = sim.store.get<Rec>(ORDERS, c.req.param("id"));
      if (!order) return c.json({ errors: [{ code: 87, message: "order not found" }] }, 404);
      try {
        const text = await c.req.text();
        const body = (text.trim() ? JSON.parse(text) : {}) as Record<string, unknown>;
        switch (c.req.param("action")) {
          case "state":
            return c.json({ order: setState(sim, order, body as { state?: string; trackingNumber?: string }) });
          case "refund":
            return c.json({ order_slip: issueSlip(sim, order, body as { rows?: { id: string; quantity: number }[]; shipping?: boolean }) }, 201);
          default:
            return c.json({ errors: [{ code: 0, message: `unknown action "${c.req.param("action")}" (state, refund)` }] }, 404);
        }
      } catch (err) {
        if (err instanceof WsError) return c.json({ errors: [{ code: err.code, message: err.message }] }, err.status as 400);
        if (err instanceof SyntaxError) return c.json({ errors: [{ code: 0, message: "body is not JSON" }] }, 400);
        throw err;
      }
    });
  },

  seedOrder(sim, record) {
    const r = seedOrder(sim, record);
    if (!r.ok) throw new HTTPException(400, { res: Response.json({ errors: r.problems.map((message) => ({ code: 41, message })) }, { status: 400 }) });
    return { order: jsonRecord(r.order) };
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return Response.json({ errors: [{ code: 429, message: "Too many requests" }] }, { status: 429, headers: { "Retry-After": String(retryAfter) } });
    if (kind === "server") return new Response(xmlErrors([{ code: 500, message: "Internal server error" }]), { status: 500, headers: { "content-type": "text/xml;charset=utf-8" } });
    return new Response("Gateway Timeout", { status: 504 });
  },
};
