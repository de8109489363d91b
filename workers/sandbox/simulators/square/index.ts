// The Square sandbox: Orders, Locations, Payments and Refunds read APIs with bearer auth, signed notifications, lifecycle controls.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { cancel, created, fulfill, inventoryCount, pay, refund, SimError, type Change, type Notice } from "./lifecycle";
import { validateAgainst } from "./openapi";
import { loadOrder, newId, ORDERS, PAYMENTS, REFUNDS, saveOrder, settings, squareTime, type SquareOrder } from "./records";
import { searchOrders, type SearchRequest } from "./search";
import { eventBody, signSquareWebhook } from "./webhooks";

/** Requests per second per access token before RATE_LIMITED (Square publishes no number; the sandbox picks one). */
const REQUESTS_PER_SECOND = 50;

const CATEGORY: Record<number, string> = { 400: "INVALID_REQUEST_ERROR", 401: "AUTHENTICATION_ERROR", 403: "AUTHENTICATION_ERROR", 404: "INVALID_REQUEST_ERROR", 429: "RATE_LIMIT_ERROR" };

/** https://developer.squareup.com/reference/square/objects/Error — {errors: [{category, code, detail, field}]} */
function errors(status: number, code: string, detail: string, field?: string, headers: Record<string, string> = {}): Response {
  const error = { category: CATEGORY[status] ?? "API_ERROR", code, detail, ...(field ? { field } : {}) };
  return Response.json({ errors: [error] }, { status, headers });
}

function simError(err: unknown): Response {
  if (err instanceof SimError) return errors(err.status, err.code, err.message, err.field);
  throw err;
}

async function jsonBody<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (!text.trim()) return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SimError(400, "BAD_REQUEST", "The request body is not valid JSON.");
  }
}

async function emit(sim: SimContext, notice: Notice): Promise<void> {
  const s = settings(sim);
  const at = sim.now();
  const body = eventBody({ merchantId: s.merchantId, type: notice.type, eventId: crypto.randomUUID(), createdAt: squareTime(at), dataType: notice.dataType, id: notice.id, object: notice.object });
  sim.emitWebhook(await signSquareWebhook({ url: s.webhookUrl, signatureKey: s.signatureKey, body, environment: s.environment, at }));
  sim.bump(`webhooks_${notice.type.replace(/\./g, "_")}`);
}

async function apply(sim: SimContext, change: Change): Promise<SquareOrder[]> {
  for (const o of change.orders) saveOrder(sim, o);
  for (const n of change.notices) await emit(sim, n);
  return change.orders;
}

function locations(sim: SimContext): string[] {
  const ids = new Set(settings(sim).locations);
  for (const o of sim.store.list<SquareOrder>(ORDERS)) ids.add(o.location_id);
  return [...ids];
}

/** Fills what Square's server assigns (id, timestamps, state) and checks the record against the OpenAPI Order schema. */
function acceptSeed(sim: SimContext, record: unknown): SquareOrder {
  const raw = (record && typeof record === "object" && "order" in record ? (record as { order: unknown }).order : record) as Record<string, unknown> | null;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new SimError(400, "INVALID_VALUE", "body must be one Square Order (or a RetrieveOrder response)");
  const now = squareTime(sim.now());
  const order = { ...raw } as SquareOrder;
  order.id ??= newId(sim, "order");
  order.created_at ??= now;
  order.updated_at ??= order.created_at;
  order.state ??= "OPEN";
  const problems = validateAgainst("Order", order, "order");
  for (const [i, l] of (order.line_items ?? []).entries()) {
    if (!/^\d+(\.\d+)?$/.test(String(l.quantity))) problems.push(`order.line_items[${i}].quantity: "${String(l.quantity)}" is not a decimal string`);
  }
  if (!order.total_money) problems.push("order.total_money: Square computes it on every order; seed the order as RetrieveOrder returns it");
  if (problems.length > 0) throw new SimError(400, "INVALID_VALUE", problems.slice(0, 10).join("; "));
  if (loadOrder(sim, order.id)) throw new SimError(400, "IDEMPOTENCY_KEY_REUSED", `order ${order.id} already exists`);
  return order;
}

export const squareSimulator: Simulator = {
  slug: "square",

  routes(app: Hono, sim: SimContext) {
    // https://developer.squareup.com/docs/build-basics/access-tokens — bearer token; then the rate window.
    app.use("/v2/*", async (c, next) => {
      if (c.req.header("Authorization") !== `Bearer ${settings(sim).accessToken}`) {
        return errors(401, "UNAUTHORIZED", "This request could not be authorized.");
      }
      const version = c.req.header("Square-Version");
      if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(version)) return errors(400, "INVALID_VALUE", `Square-Version ${version} is not a version`, "Square-Version");
      const wait = sim.rateLimit("token", REQUESTS_PER_SECOND, 1);
      if (wait > 0) {
        sim.bump("throttled");
        return errors(429, "RATE_LIMITED", "Rate limit exceeded.");
      }
      await next();
    });

    // https://developer.squareup.com/reference/square/orders-api/retrieve-order
    app.get("/v2/orders/:order_id", (c) => {
      const order = loadOrder(sim, c.req.param("order_id"));
      if (!order) return errors(404, "NOT_FOUND", `Order with id ${c.req.param("order_id")} not found.`);
      return c.json({ order });
    });

    // https://developer.squareup.com/reference/square/orders-api/batch-retrieve-orders (≤ 100 ids; unknown ids omitted)
    app.post("/v2/orders/batch-retrieve", async (c) => {
      try {
        const body = await jsonBody<{ order_ids?: string[]; location_id?: string }>(c);
        const issues = validateAgainst("BatchRetrieveOrdersRequest", body, "body");
        if (issues.length > 0) throw new SimError(400, "INVALID_VALUE", issues[0]!);
        if ((body.order_ids ?? []).length > 100) throw new SimError(400, "INVALID_VALUE", "At most 100 order_ids may be retrieved at once.", "order_ids");
        const orders = (body.order_ids ?? []).map((id) => loadOrder(sim, id)).filter((o): o is SquareOrder => !!o && (!body.location_id || o.location_id === body.location_id));
        return c.json({ orders });
      } catch (err) {
        return simError(err);
      }
    });

    // https://developer.squareup.com/reference/square/orders-api/search-orders
    app.post("/v2/orders/search", async (c) => {
      try {
        const body = await jsonBody<SearchRequest>(c);
        return c.json(searchOrders(sim.store.list<SquareOrder>(ORDERS), body, sim.now()));
      } catch (err) {
        return simError(err);
      }
    });

    // https://developer.squareup.com/reference/square/locations-api/list-locations
    app.get("/v2/locations", (c) =>
      c.json({
        locations: locations(sim).map((id, i) => ({ id, name: i === 0 ? "Main street store" : `Store ${id}`, status: "ACTIVE", merchant_id: settings(sim).merchantId })),
      }),
    );

    // https://developer.squareup.com/reference/square/payments-api/get-payment
    app.get("/v2/payments/:payment_id", (c) => {
      const payment = sim.store.get(PAYMENTS, c.req.param("payment_id"));
      return payment ? c.json({ payment }) : errors(404, "NOT_FOUND", `Payment ${c.req.param("payment_id")} not found.`);
    });

    // https://developer.squareup.com/reference/square/refunds-api/get-payment-refund
    app.get("/v2/refunds/:refund_id", (c) => {
      const row = sim.store.get<Record<string, unknown>>(REFUNDS, c.req.param("refund_id"));
      if (!row) return errors(404, "NOT_FOUND", `Refund ${c.req.param("refund_id")} not found.`);
      const { sale_order_id: _bookkeeping, ...refund } = row;
      return c.json({ refund });
    });

    app.all("/v2/*", () => errors(404, "NOT_FOUND", "Resource not found."));

    // ---- simulator controls (never faulted, no auth)

    app.post("/_sim/orders/:id/:action", async (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return errors(404, "NOT_FOUND", `Order ${c.req.param("id")} not found.`);
      try {
        const body = await jsonBody<Record<string, unknown>>(c);
        let change: Change;
        switch (c.req.param("action")) {
          case "pay":
            change = pay(sim, order, body as { type?: string });
            break;
          case "fulfill":
            change = fulfill(sim, order, body as { uid?: string; state?: string; carrier?: string; tracking_number?: string });
            break;
          case "cancel":
            change = cancel(sim, order);
            break;
          case "refund":
            change = refund(sim, order, body as { lines?: Array<{ uid: string; quantity?: string }>; amount?: number; reason?: string });
            break;
          default:
            return errors(404, "NOT_FOUND", `unknown action "${c.req.param("action")}" (pay, fulfill, cancel, refund)`);
        }
        const orders = await apply(sim, change);
        return c.json({ order: orders.find((o) => o.id === order.id) ?? order, ...(orders.some((o) => o.id !== order.id) ? { return_order: orders.find((o) => o.id !== order.id) } : {}) });
      } catch (err) {
        return simError(err);
      }
    });

    app.post("/_sim/inventory", async (c) => {
      try {
        const notice = inventoryCount(sim, await jsonBody(c));
        await emit(sim, notice);
        return c.json(notice.object);
      } catch (err) {
        return simError(err);
      }
    });
  },

  async seedOrder(sim, record) {
    let order: SquareOrder;
    try {
      order = acceptSeed(sim, record);
    } catch (err) {
      throw new HTTPException(400, { res: simError(err) });
    }
    await apply(sim, created(sim, order));
    return { order };
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return errors(429, "RATE_LIMITED", "Rate limit exceeded.", undefined, { "Retry-After": String(retryAfter) });
    if (kind === "server") return errors(500, "INTERNAL_SERVER_ERROR", "An internal error occurred.");
    return errors(504, "GATEWAY_TIMEOUT", "The request timed out.");
  },
};
