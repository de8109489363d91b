// The Revel Systems sandbox: /resources/OrderAllInOne/ and /resources/Order/ reads with API-AUTHENTICATION, Tastypie
// paging, a per-key request limit, and a POS ticket lifecycle (close, void, refund).
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { floatToMinor, minorToNumber } from "../../../../shared/model/money";
import type { SimContext, Simulator } from "../../kit";
import { list, loadOrder, nextUpdated, ORDERS, QueryError, revelTime, saveOrder, seed, settings, type Json, type StoredOrder } from "./records";

function error(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error_message: message }, { status, headers });
}

/** https://developer-qa.revelup.io/docs/authentication-types: the header, or api_key/api_secret query parameters. */
function authorized(sim: SimContext, c: Context): boolean {
  const s = settings(sim);
  const header = c.req.header("API-AUTHENTICATION");
  if (header !== undefined) return header === `${s.apiKey}:${s.apiSecret}`;
  return c.req.query("api_key") === s.apiKey && c.req.query("api_secret") === s.apiSecret;
}

/** The currency the sandbox establishment keeps its floats in (only its exponent matters here). */
const CURRENCY = "USD";

function cents(v: unknown): number {
  return typeof v === "number" ? floatToMinor(v, CURRENCY) : 0;
}

function touch(o: StoredOrder, now: Date): StoredOrder {
  return { ...o, orderInfo: { ...o.orderInfo, updated_date: nextUpdated(o.orderInfo.updated_date, now) } };
}

function paidCents(o: StoredOrder): number {
  return o.payments.filter((p) => !p.deleted && typeof p.amount === "number" && p.amount > 0).reduce((n, p) => n + cents(p.amount), 0);
}

class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function payment(sim: SimContext, o: StoredOrder, amountCents: number, now: Date, type: number): Json {
  return {
    id: sim.store.next("revel_payment", 880_001),
    order: o.orderInfo.resource_uri ?? `/resources/Order/${o.orderInfo.id}/`,
    amount: minorToNumber(amountCents, CURRENCY),
    tip: 0,
    change: 0,
    payment_type: type,
    payment_date: revelTime(now),
    created_date: revelTime(now),
    deleted: false,
  };
}

/** Rings up the balance and closes the ticket. */
function close(sim: SimContext, o: StoredOrder, now: Date): StoredOrder {
  if (o.orderInfo.closed) throw new SimError(400, `order ${o.orderInfo.id} is already closed`);
  const due = cents(o.orderInfo.final_total) - paidCents(o);
  const payments = due > 0 ? [...o.payments, payment(sim, o, due, now, 1)] : o.payments;
  return touch({ ...o, payments, orderInfo: { ...o.orderInfo, closed: true, remaining_due: 0 } }, now);
}

/** Voids every item: the ticket no longer counts toward sales (amounts drop to zero; payments stay for a refund). */
function voidAll(o: StoredOrder, now: Date): StoredOrder {
  const at = revelTime(now);
  const zero = { subtotal: 0, discount_amount: 0, tax: 0, service_charge: 0, surcharge: 0, gratuity: 0, rounding_delta: 0, final_total: 0, remaining_due: 0 };
  return touch({ ...o, items: o.items.map((i) => ({ ...i, voided_date: i.voided_date ?? at })), orderInfo: { ...o.orderInfo, ...zero, closed: true } }, now);
}

/** A refund to the customer: a negative payment (all that was paid, or `amount`). */
function refund(sim: SimContext, o: StoredOrder, body: { amount?: number }, now: Date): StoredOrder {
  const refunded = o.payments.filter((p) => typeof p.amount === "number" && p.amount < 0).reduce((n, p) => n - cents(p.amount), 0);
  const left = paidCents(o) - refunded;
  const amount = body.amount === undefined ? left : floatToMinor(body.amount, CURRENCY);
  if (amount <= 0 || amount > left) throw new SimError(400, `cannot refund ${amount} cents: ${left} refundable`);
  return touch({ ...o, payments: [...o.payments, payment(sim, o, -amount, now, 1)] }, now);
}

function listUrl(path: string, params: URLSearchParams, offset: number): string {
  const q = new URLSearchParams(params);
  q.set("offset", String(offset));
  return `${path}?${q.toString()}`;
}

/** Tastypie list body: {"meta": {...}, "objects": [...]}; next/previous are paths with the query to repeat. */
function listing(path: string, params: URLSearchParams, all: StoredOrder[], project: (o: StoredOrder) => Json): Json {
  const page = list(all, params);
  return {
    meta: {
      limit: page.limit,
      offset: page.offset,
      total_count: page.total,
      next: page.offset + page.limit < page.total ? listUrl(path, params, page.offset + page.limit) : null,
      previous: page.offset > 0 ? listUrl(path, params, Math.max(0, page.offset - page.limit)) : null,
    },
    objects: page.objects.map(project),
  };
}

export const revelSimulator: Simulator = {
  slug: "revel",

  routes(app: Hono, sim: SimContext) {
    app.use("/resources/*", async (c, next) => {
      if (!authorized(sim, c)) return error(401, "Authentication required: pass API-AUTHENTICATION: <key>:<secret>.");
      const s = settings(sim);
      const wait = sim.rateLimit(`key:${s.apiKey}`, s.perMinute, 60);
      if (wait > 0) {
        sim.bump("throttled");
        return error(429, "Too many requests.", { "Retry-After": String(wait) });
      }
      await next();
    });

    const all = () => sim.store.list<StoredOrder>(ORDERS);
    const guard = (fn: () => Response): Response => {
      try {
        return fn();
      } catch (err) {
        if (err instanceof QueryError) return error(400, err.message);
        throw err;
      }
    };

    app.get("/resources/OrderAllInOne/", (c) => guard(() => c.json(listing("/resources/OrderAllInOne/", new URL(c.req.url).searchParams, all(), (o) => o))));
    app.get("/resources/OrderAllInOne/:id/", (c) => {
      const o = loadOrder(sim, c.req.param("id"));
      return o ? c.json(o) : error(404, "Not found.");
    });
    app.get("/resources/Order/", (c) => guard(() => c.json(listing("/resources/Order/", new URL(c.req.url).searchParams, all(), (o) => o.orderInfo))));
    app.get("/resources/Order/:id/", (c) => {
      const o = loadOrder(sim, c.req.param("id"));
      return o ? c.json(o.orderInfo) : error(404, "Not found.");
    });
    app.all("/resources/*", () => error(404, "Not found."));

    // ---- simulator controls (never faulted, no auth): what happens to a ticket at the POS

    app.post("/_sim/orders/:id/:action", async (c) => {
      const o = loadOrder(sim, c.req.param("id"));
      if (!o) return error(404, "Not found.");
      const now = sim.now();
      try {
        const text = await c.req.text();
        const body = (text.trim() ? JSON.parse(text) : {}) as { amount?: number };
        let changed: StoredOrder;
        switch (c.req.param("action")) {
          case "close":
            changed = close(sim, o, now);
            break;
          case "void":
            changed = voidAll(o, now);
            break;
          case "refund":
            changed = refund(sim, o, body, now);
            break;
          default:
            return error(404, `unknown action "${c.req.param("action")}" (close, void, refund)`);
        }
        saveOrder(sim, changed);
        return c.json(changed);
      } catch (err) {
        if (err instanceof SimError) return error(err.status, err.message);
        if (err instanceof SyntaxError) return error(400, "body is not JSON");
        throw err;
      }
    });
  },

  seedOrder(sim, record) {
    const r = seed(sim, record);
    if (!r.ok) throw new HTTPException(400, { res: error(400, `OrderAllInOne is not valid: ${r.problems.join("; ")}`) });
    return r.order;
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return error(429, "Too many requests.", { "Retry-After": String(retryAfter) });
    if (kind === "server") return error(500, "Internal server error.");
    return error(504, "Gateway timeout.");
  },
};
