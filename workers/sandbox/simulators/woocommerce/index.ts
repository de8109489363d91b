// The WooCommerce sandbox: REST v3 orders and refunds with consumer-key auth and WP pagination, signed webhooks, lifecycle.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { cancel, complete, pay, refund, SimError, trash, update, type Mutation, type RefundBody } from "./lifecycle";
import { loadOrder, minor, ORDERS, refundsOf, saveOrder, SeedOrder, settings, wcTime, type WooOrder, type WooRefund } from "./records";
import { emit, emitPing, WEBHOOK_IDS } from "./webhooks";

const API = "/wp-json/wc/v3";

/** WP REST errors: {"code": …, "message": …, "data": {"status": …}}. */
function wpError(status: number, code: string, message: string): Response {
  return Response.json({ code, message, data: { status } }, { status });
}

/** https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication-over-https: Basic auth, or the query-string pair. */
function authorized(c: Context, sim: SimContext): boolean {
  const s = settings(sim);
  const header = c.req.header("Authorization") ?? "";
  if (header.startsWith("Basic ")) {
    let decoded = "";
    try {
      decoded = atob(header.slice(6));
    } catch {
      return false;
    }
    return decoded === `${s.consumerKey}:${s.consumerSecret}`;
  }
  return c.req.query("consumer_key") === s.consumerKey && c.req.query("consumer_secret") === s.consumerSecret;
}

async function store(sim: SimContext, m: Mutation): Promise<WooOrder> {
  saveOrder(sim, m.order);
  if (m.refund) sim.store.put(refundsOf(m.order.id), String(m.refund.id), m.refund);
  for (const [topic, payload] of m.webhooks) await emit(sim, topic, payload);
  return m.order;
}

function simError(err: unknown): Response {
  if (err instanceof SimError) return wpError(err.status, err.code, err.message);
  throw err;
}

const ORDERBY: Record<string, (o: WooOrder) => string | number> = {
  date: (o) => o.date_created_gmt,
  modified: (o) => o.date_modified_gmt,
  id: (o) => o.id,
};

/**
 * GET /orders filters the simulator honours: modified_after/modified_before and after/before (exclusive, on the
 * *_gmt dates: the sandbox site is on UTC), status (any = all but trash), orderby, order, page, per_page ≤ 100.
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders
 */
function listOrders(sim: SimContext, q: URLSearchParams): { page: WooOrder[]; total: number; pages: number; perPage: number; pageNo: number } {
  const perPage = Number(q.get("per_page") ?? 10);
  const pageNo = Number(q.get("page") ?? 1);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw new SimError(400, "rest_invalid_param", "Invalid parameter(s): per_page");
  if (!Number.isInteger(pageNo) || pageNo < 1) throw new SimError(400, "rest_invalid_param", "Invalid parameter(s): page");
  const bound = (name: string) => {
    const v = q.get(name);
    if (v === null) return null;
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(ms)) throw new SimError(400, "rest_invalid_param", `Invalid parameter(s): ${name}`);
    return wcTime(new Date(ms));
  };
  const modifiedAfter = bound("modified_after");
  const modifiedBefore = bound("modified_before");
  const after = bound("after");
  const before = bound("before");
  const statuses = (q.get("status") ?? "any").split(",");
  const orderby = ORDERBY[q.get("orderby") ?? "date"];
  if (!orderby) throw new SimError(400, "rest_invalid_param", "Invalid parameter(s): orderby");
  const desc = (q.get("order") ?? "desc") === "desc";
  const rows = sim.store
    .list<WooOrder>(ORDERS)
    .filter((o) => (statuses.includes("any") ? o.status !== "trash" : statuses.includes(o.status)))
    .filter((o) => (modifiedAfter === null || o.date_modified_gmt > modifiedAfter) && (modifiedBefore === null || o.date_modified_gmt < modifiedBefore))
    .filter((o) => (after === null || o.date_created_gmt > after) && (before === null || o.date_created_gmt < before))
    .sort((a, b) => {
      const x = orderby(a);
      const y = orderby(b);
      const cmp = x < y ? -1 : x > y ? 1 : a.id - b.id;
      return desc ? -cmp : cmp;
    });
  return { page: rows.slice((pageNo - 1) * perPage, pageNo * perPage), total: rows.length, pages: Math.ceil(rows.length / perPage), perPage, pageNo };
}

function refundedSoFar(order: WooOrder): number {
  return -(order.refunds ?? []).reduce((n, r) => n + minor(r.total, order.currency), 0);
}

async function jsonBody<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (!text.trim()) return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SimError(400, "rest_invalid_json", "Invalid JSON body passed.");
  }
}

export const woocommerceSimulator: Simulator = {
  slug: "woocommerce",

  routes(app: Hono, sim: SimContext) {
    app.use(`${API}/*`, async (c, next) => {
      if (!authorized(c, sim)) return wpError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
      await next();
    });

    app.get(`${API}/orders`, (c) => {
      try {
        const url = new URL(c.req.url);
        const r = listOrders(sim, url.searchParams);
        const link = (page: number) => {
          const u = new URL(`${sim.baseUrl}${API}/orders`);
          for (const [k, v] of url.searchParams) if (k !== "consumer_key" && k !== "consumer_secret") u.searchParams.set(k, v);
          u.searchParams.set("page", String(page));
          return u.toString();
        };
        const links = [r.pageNo > 1 ? `<${link(r.pageNo - 1)}>; rel="prev"` : "", r.pageNo < r.pages ? `<${link(r.pageNo + 1)}>; rel="next"` : ""].filter(Boolean);
        const headers: Record<string, string> = { "X-WP-Total": String(r.total), "X-WP-TotalPages": String(r.pages) };
        if (links.length) headers.Link = links.join(", ");
        return c.json(r.page, 200, headers);
      } catch (err) {
        return simError(err);
      }
    });

    app.get(`${API}/orders/:id/refunds`, (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return wpError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
      const refunds = sim.store.list<WooRefund>(refundsOf(order.id)).sort((a, b) => b.id - a.id);
      return c.json(refunds, 200, { "X-WP-Total": String(refunds.length), "X-WP-TotalPages": "1" });
    });

    app.get(`${API}/orders/:id`, (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return wpError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
      return c.json(order);
    });

    app.all(`${API}/*`, () => wpError(404, "rest_no_route", "No route was found matching the URL and request method."));

    // ---- simulator controls (never faulted, no auth)

    app.get("/_sim/config", (c) => c.json(settings(sim)));

    /** The ping WooCommerce sends when a webhook is created or activated. */
    app.post("/_sim/ping", (c) => {
      emitPing(sim, WEBHOOK_IDS["order.updated"]!);
      return c.json({ ok: true });
    });

    app.post("/_sim/orders/:id/:action", async (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return wpError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
      try {
        const now = sim.now();
        const body = await jsonBody<Record<string, unknown>>(c);
        let m: Mutation;
        switch (c.req.param("action")) {
          case "pay":
            m = pay(order, now);
            break;
          case "complete":
            m = complete(order, now);
            break;
          case "cancel":
            m = cancel(order, now);
            break;
          case "refund":
            m = refund(order, body as RefundBody, sim.store.next("woocommerce_refund", 9001), refundedSoFar(order), now);
            break;
          case "trash":
            m = trash(order, now);
            break;
          case "update":
            m = update(order, body, now);
            break;
          default:
            return wpError(404, "rest_no_route", `unknown action "${c.req.param("action")}" (pay, complete, cancel, refund, trash, update)`);
        }
        return c.json(await store(sim, m));
      } catch (err) {
        return simError(err);
      }
    });
  },

  async seedOrder(sim, record) {
    const r = SeedOrder.safeParse(record);
    if (!r.success) {
      const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw new HTTPException(422, { res: wpError(422, "rest_invalid_param", problems) });
    }
    const order = r.data as unknown as WooOrder;
    if (!order.date_modified_gmt) {
      order.date_modified_gmt = wcTime(sim.now());
      order.date_modified = order.date_modified_gmt;
    }
    return store(sim, { order, webhooks: [["order.created", order]] });
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") {
      return Response.json({ code: "rest_too_many_requests", message: "Too many requests.", data: { status: 429 } }, { status: 429, headers: { "Retry-After": String(retryAfter) } });
    }
    if (kind === "server") return wpError(500, "internal_server_error", "There has been a critical error on this website.");
    return wpError(504, "gateway_timeout", "Gateway Timeout");
  },
};
