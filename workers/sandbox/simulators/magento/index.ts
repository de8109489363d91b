// The Adobe Commerce (Magento) sandbox: REST V1 orders, invoices, shipments and credit memos with searchCriteria,
// bearer-token auth, and the order actions (invoice, ship, refund, cancel, hold) the REST tutorial uses.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { ActionError, cancel, hold, invoice, refund, ship } from "./lifecycle";
import { CREDITMEMOS, INVOICES, ORDERS, seedOrder, settings, SHIPMENTS } from "./records";
import { echo, readCriteria, runSearch, SearchError, type Rec } from "./search";

/** Magento's error body: {"message": "…", "parameters": {…}}. */
function error(status: number, message: string, parameters?: Rec): Response {
  return Response.json({ message, ...(parameters ? { parameters } : {}) }, { status });
}

const COLLECTIONS: Record<string, { collection: string; label: string }> = {
  orders: { collection: ORDERS, label: "order" },
  invoices: { collection: INVOICES, label: "invoice" },
  shipments: { collection: SHIPMENTS, label: "shipment" },
  creditmemos: { collection: CREDITMEMOS, label: "creditmemo" },
};

async function body<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (!text.trim()) return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ActionError(400, "Decoding error: the body is not JSON.");
  }
}

/** Runs one order action, answering as the REST API does: the new entity id as a JSON string, or Magento's error. */
async function act(sim: SimContext, c: Context, id: string, action: string): Promise<Response> {
  let payload: Rec;
  try {
    // Read the body first, whatever the action needs (an unread request body is an error once the response is out).
    payload = await body<Rec>(c);
  } catch (err) {
    if (err instanceof ActionError) return error(err.status, err.message);
    throw err;
  }
  const order = sim.store.get<Rec>(ORDERS, id);
  if (!order) return error(404, "The entity that was requested doesn't exist. Verify the entity and try again.");
  try {
    switch (action) {
      case "invoice":
        return c.json(String(invoice(sim, order).id));
      case "ship":
        return c.json(String(ship(sim, order, payload).id));
      case "refund":
        return c.json(String(refund(sim, order, payload).id));
      case "cancel":
        cancel(sim, order);
        return c.json(true);
      case "hold":
        hold(sim, order, true);
        return c.json(true);
      case "unhold":
        hold(sim, order, false);
        return c.json(true);
      default:
        return error(404, `Request does not match any route.`);
    }
  } catch (err) {
    if (err instanceof ActionError) return error(err.status, err.message);
    throw err;
  }
}

export const magentoSimulator: Simulator = {
  slug: "magento",

  routes(app: Hono, sim: SimContext) {
    // https://developer.adobe.com/commerce/webapi/get-started/authentication/gs-authentication-token/ — bearer token.
    app.use("/rest/:store/V1/*", async (c, next) => {
      const m = /^Bearer\s+(.+)$/i.exec(c.req.header("Authorization") ?? "");
      if (!m || m[1] !== settings(sim).accessToken || sim.faults().expireTokens) {
        return error(401, "The consumer isn't authorized to access %resources.", { resources: "Magento_Sales::actions_view" });
      }
      await next();
    });

    // GET /V1/orders, /V1/invoices, /V1/shipments, /V1/creditmemos (…SearchResultInterface)
    app.get("/rest/:store/V1/:resource", (c) => {
      const r = COLLECTIONS[c.req.param("resource")];
      if (!r) return error(404, "Request does not match any route.");
      try {
        const criteria = readCriteria(new URL(c.req.url).searchParams);
        const { items, total } = runSearch(sim.store.list<Rec>(r.collection), criteria);
        return c.json({ items, search_criteria: echo(criteria), total_count: total });
      } catch (err) {
        if (err instanceof SearchError) return error(400, err.message);
        throw err;
      }
    });

    app.get("/rest/:store/V1/:resource/:id", (c) => {
      const r = COLLECTIONS[c.req.param("resource")];
      if (!r) return error(404, "Request does not match any route.");
      const record = sim.store.get<Rec>(r.collection, c.req.param("id"));
      return record ? c.json(record) : error(404, "The entity that was requested doesn't exist. Verify the entity and try again.");
    });

    app.post("/rest/:store/V1/order/:id/:action", (c) => act(sim, c, c.req.param("id"), c.req.param("action")));
    app.post("/rest/:store/V1/orders/:id/:action", (c) => act(sim, c, c.req.param("id"), c.req.param("action")));
    app.all("/rest/*", () => error(404, "Request does not match any route."));

    // ---- simulator controls (never faulted, no auth): the same actions, for tests and the demo
    app.post("/_sim/orders/:id/:action", (c) => act(sim, c, c.req.param("id"), c.req.param("action")));
  },

  seedOrder(sim, record) {
    const r = seedOrder(sim, record);
    if (!r.ok) throw new HTTPException(400, { res: error(400, `The order does not match sales-data-order-interface: ${r.problems.slice(0, 20).join("; ")}`) });
    return r.order;
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return Response.json({ message: "Too many requests." }, { status: 429, headers: { "Retry-After": String(retryAfter) } });
    if (kind === "server") return error(500, "Internal Error. Details are available in Magento log file. Report ID: webapi-sandbox");
    return new Response("Gateway Timeout", { status: 504 });
  },
};
