// The Shopify sandbox: REST Admin 2024-04 orders API, leaky-bucket limits, signed webhooks and order lifecycle controls.
import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { seededRandom, type SimContext, type Simulator } from "../kit";
import { emit } from "./shopify/emit";
import { GenerateOptions, generateOrder } from "./shopify/generate";
import { AdjustBody, adjustLevel, committed, listLevels, listLocations, moveStock, setLevel, SetBody } from "./shopify/inventory";
import { cancel, CancelBody, deliver, fulfill, FulfillBody, pay, refund, RefundBody, sales, SimError, update, type Mutation, type MutationEnv } from "./shopify/lifecycle";
import { countOrders, pageOrders, project, readQuery } from "./shopify/listing";
import { loadOrder, loadTransactions, minor, ORDERS, saveOrder, saveTransactions, SeedOrder, settings, type ShopifyOrder, type Tender } from "./shopify/records";

const API = "/admin/api/2024-04";
/** Standard plan REST bucket: holds 40, leaks 2 per second (https://shopify.dev/docs/api/admin-rest/usage/rate-limits). */
const BUCKET_SIZE = 40;
const LEAK_PER_SECOND = 2;

/** Bucket fill per simulator instance, for the X-Shopify-Shop-Api-Call-Limit header. */
const buckets = new Map<string, { level: number; at: number }>();

function errors(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json({ errors: body }, { status, headers });
}

function mutationEnv(sim: SimContext): MutationEnv {
  // Ids in Shopify's current ranges (13-digit order ids), each kind its own sequence.
  const starts: Record<string, number> = { order: 5_400_000_000_001, order_number: 1001 };
  return { now: sim.now(), random: () => sim.random(), nextId: (kind) => sim.store.next(`shopify_${kind}`, starts[kind] ?? 4_200_000_000_001) };
}

/** Saves a changed order, sends its webhooks, then moves the stock it commits (`before`: what it committed until now). */
async function store(sim: SimContext, order: ShopifyOrder, webhooks: [string, unknown][], transactions: Mutation["transactions"], before: Map<number, number>): Promise<ShopifyOrder> {
  saveOrder(sim, order);
  if (transactions) saveTransactions(sim, order.id, transactions);
  for (const [topic, payload] of webhooks) await emit(sim, topic, payload);
  await moveStock(sim, before, order);
  return order;
}

/**
 * The webhooks Shopify sends when an order appears: orders/create, and orders/paid when it is already paid. A paid
 * order gets its sale transactions: the given tenders, else one per gateway named (sharing the total evenly).
 */
async function create(sim: SimContext, order: ShopifyOrder, tenders?: readonly Tender[]): Promise<ShopifyOrder> {
  const hooks: [string, unknown][] = [["orders/create", order]];
  // A seeded record may leave money out (only id, updated_at and lines are checked): then it has no transactions.
  const paid = ["paid", "partially_refunded", "refunded"].includes(order.financial_status ?? "") && typeof order.currency === "string" && typeof order.total_price === "string";
  if (order.financial_status === "paid") hooks.push(["orders/paid", order]);
  const gateways = tenders ?? (order.payment_gateway_names ?? []).map((gateway) => ({ gateway }));
  const txs = paid ? sales(order, gateways, minor(order.total_price, order.currency), mutationEnv(sim), order.processed_at ?? order.created_at) : [];
  return store(sim, order, hooks, txs, committed(null));
}

/** Counts the request into the leaky bucket; a 429 in Shopify's shape when it overflows. */
function throttle(sim: SimContext): Response | number {
  const scale = sim.faults().timeScale ?? 1;
  const now = Date.now();
  const b = buckets.get(sim.slug) ?? { level: 0, at: now };
  b.level = Math.max(0, b.level - ((now - b.at) / 1000) * LEAK_PER_SECOND * scale);
  b.at = now;
  buckets.set(sim.slug, b);
  const wait = sim.rateLimit("rest", BUCKET_SIZE, BUCKET_SIZE / LEAK_PER_SECOND);
  if (wait > 0) {
    sim.bump("throttled");
    return errors(429, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.", {
      "Retry-After": wait.toFixed(1),
      "X-Shopify-Shop-Api-Call-Limit": `${BUCKET_SIZE}/${BUCKET_SIZE}`,
    });
  }
  b.level = Math.min(BUCKET_SIZE, b.level + 1);
  return Math.ceil(b.level);
}

function simError(err: unknown): Response {
  if (err instanceof SimError) return errors(err.status, err.errors);
  throw err;
}

/** A control-route body through its schema; an empty body is `{}`. */
function jsonBody<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new SimError(400, "body is not JSON");
    }
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new SimError(422, r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  return r.data;
}

export const shopifySimulator: Simulator = {
  slug: "shopify",

  routes(app: Hono, sim: SimContext) {
    // Every Admin API call: access token first (https://shopify.dev/docs/api/admin-rest#authentication), then the bucket.
    app.use("/admin/*", async (c, next) => {
      if (c.req.header("X-Shopify-Access-Token") !== settings(sim).accessToken) {
        return errors(401, "[API] Invalid API key or access token (unrecognized login or wrong password)");
      }
      const used = throttle(sim);
      if (used instanceof Response) return used;
      await next();
      c.res.headers.set("X-Shopify-Shop-Api-Call-Limit", `${used}/${BUCKET_SIZE}`);
      c.res.headers.set("X-Shopify-API-Version", "2024-04");
    });

    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#get-orders?status=any
    app.get(`${API}/orders.json`, (c) => {
      try {
        const url = new URL(c.req.url);
        const { filters, page } = readQuery(url.searchParams);
        const limit = Math.min(250, Math.max(1, Number(url.searchParams.get("limit") ?? 50) || 50));
        const fields = url.searchParams.get("fields");
        const result = pageOrders(sim.store.list<ShopifyOrder>(ORDERS), filters, limit, page);
        const link = (token: string) => {
          const u = new URL(`${sim.baseUrl}${API}/orders.json`);
          u.searchParams.set("limit", String(limit));
          if (fields) u.searchParams.set("fields", fields);
          u.searchParams.set("page_info", token);
          return u.toString();
        };
        const links = [
          result.previous ? `<${link(result.previous)}>; rel="previous"` : undefined,
          result.next ? `<${link(result.next)}>; rel="next"` : undefined,
        ].filter(Boolean);
        const headers: Record<string, string> = links.length ? { Link: links.join(", ") } : {};
        return c.json({ orders: result.orders.map((o) => project(o, fields)) }, 200, headers);
      } catch (err) {
        return simError(err);
      }
    });

    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#get-orders-count?status=any
    app.get(`${API}/orders/count.json`, (c) => {
      try {
        const { filters } = readQuery(new URL(c.req.url).searchParams);
        return c.json({ count: countOrders(sim.store.list<ShopifyOrder>(ORDERS), filters) });
      } catch (err) {
        return simError(err);
      }
    });

    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/refund#get-orders-order-id-refunds
    app.get(`${API}/orders/:id/refunds.json`, (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return errors(404, "Not Found");
      return c.json({ refunds: order.refunds ?? [] });
    });

    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/transaction#get-orders-order-id-transactions
    app.get(`${API}/orders/:id/transactions.json`, (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return errors(404, "Not Found");
      return c.json({ transactions: loadTransactions(sim, order.id) });
    });

    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#get-orders-order-id
    app.get(`${API}/orders/:file`, (c) => {
      const m = /^(\d+)\.json$/.exec(c.req.param("file"));
      const order = m ? loadOrder(sim, m[1]!) : null;
      if (!order) return errors(404, "Not Found");
      return c.json({ order: project(order, c.req.query("fields") ?? null) });
    });

    app.get(`${API}/locations.json`, (c) => c.json({ locations: listLocations(sim) }));

    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel#get-inventory-levels?inventory-item-ids=808950810
    app.get(`${API}/inventory_levels.json`, (c) => {
      try {
        const page = listLevels(sim, new URL(c.req.url).searchParams);
        const headers: Record<string, string> = {};
        if (page.next) {
          const u = new URL(`${sim.baseUrl}${API}/inventory_levels.json`);
          u.searchParams.set("limit", c.req.query("limit") ?? "50");
          u.searchParams.set("page_info", page.next);
          headers.Link = `<${u.toString()}>; rel="next"`;
        }
        return c.json({ inventory_levels: page.levels }, 200, headers);
      } catch (err) {
        return simError(err);
      }
    });

    app.all("/admin/*", () => errors(404, "Not Found"));

    // ---- simulator controls (never faulted, no auth)

    app.get("/_sim/config", (c) => c.json(settings(sim)));

    app.post("/_sim/orders", async (c) => {
      try {
        const opts = jsonBody(await c.req.text(), GenerateOptions);
        const env = mutationEnv(sim);
        const random = opts.seed === undefined ? env.random : seededRandom(opts.seed);
        const generated = generateOrder(opts, random, env, env.now);
        const order = opts.id === undefined ? generated : { ...generated, id: opts.id, name: `#${opts.id}`, order_number: opts.id, admin_graphql_api_id: `gid://shopify/Order/${opts.id}` };
        if (opts.id !== undefined && loadOrder(sim, String(opts.id))) return errors(422, { id: ["has already been taken"] });
        return c.json(await create(sim, order, opts.tenders), 201);
      } catch (err) {
        return simError(err);
      }
    });

    // A stock count (set) or a receipt / write-off (adjust), in the Admin API's bodies; each sends inventory_levels/update.
    app.post("/_sim/inventory_levels/:action", async (c) => {
      const text = await c.req.text();
      try {
        const action = c.req.param("action");
        if (action === "set") return c.json({ inventory_level: await setLevel(sim, jsonBody(text, SetBody)) });
        if (action === "adjust") return c.json({ inventory_level: await adjustLevel(sim, jsonBody(text, AdjustBody)) });
        return errors(404, `unknown action "${action}" (set, adjust)`);
      } catch (err) {
        return simError(err);
      }
    });

    app.post("/_sim/orders/:id/:action", async (c) => {
      // Read the body before answering anything: a forwarded request body left unread upsets workerd.
      const text = await c.req.text();
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return errors(404, "Not Found");
      try {
        const env = mutationEnv(sim);
        const before = committed(order);
        let change: Mutation;
        switch (c.req.param("action")) {
          case "pay":
            change = pay(order, env, loadTransactions(sim, order.id));
            break;
          case "fulfill":
            change = fulfill(order, jsonBody(text, FulfillBody), env);
            break;
          case "deliver":
            change = deliver(order, env);
            break;
          case "cancel":
            change = cancel(order, jsonBody(text, CancelBody), env);
            break;
          case "refund":
            change = refund(order, jsonBody(text, RefundBody), env, loadTransactions(sim, order.id));
            break;
          case "update":
            change = update(order, jsonBody(text, z.record(z.string(), z.unknown())), env);
            break;
          default:
            return errors(404, `unknown action "${c.req.param("action")}" (pay, fulfill, deliver, cancel, refund, update)`);
        }
        return c.json(await store(sim, change.order, change.webhooks, change.transactions, before));
      } catch (err) {
        return simError(err);
      }
    });
  },

  async seedOrder(sim, record) {
    // Either the order itself or the {"order": …} envelope GET /orders/{id}.json answers with.
    const body = record !== null && typeof record === "object" && "order" in record ? (record as { order: unknown }).order : record;
    const r = SeedOrder.safeParse(body);
    if (!r.success) {
      const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
      throw new HTTPException(422, { res: errors(422, { order: problems }) });
    }
    return create(sim, r.data as unknown as ShopifyOrder);
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") {
      return errors(429, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.", {
        "Retry-After": retryAfter.toFixed(1),
        "X-Shopify-Shop-Api-Call-Limit": `${BUCKET_SIZE}/${BUCKET_SIZE}`,
      });
    }
    if (kind === "server") return errors(500, "Internal Server Error");
    return errors(504, "Gateway Timeout");
  },
};
