// The X-Series sandbox: Sales API 2.0 with Bearer auth, version-cursor paging and 5-minute rate windows, signed webhooks.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { bump, fixed, isoTime, loadSale, num, SALES, saveSale, SeedSale, settings, times, type XSale } from "./records";
import { emitSaleUpdate } from "./webhooks";

const API = "/api/2.0";
/** Rate window: 300 × registers + 50 requests per 5 minutes (https://x-series-api.lightspeedhq.com/docs/rate_limiting). */
const WINDOW_SECONDS = 300;

function error(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

/** 429 as X-Series sends it: Retry-After is an HTTP-date. */
function tooMany(sim: SimContext, waitSeconds: number, limit: number): Response {
  return error(429, { error: "Too Many Requests", message: "Rate limiting enforced" }, {
    "Retry-After": new Date(sim.now().getTime() + waitSeconds * 1000).toUTCString(),
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": "0",
  });
}

class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function store(sim: SimContext, sale: XSale): Promise<XSale> {
  bump(sim, sale);
  saveSale(sim, sale);
  await emitSaleUpdate(sim, sale);
  return sale;
}

const CLOSED_OF: Record<string, string> = { SAVED: "CLOSED", OPEN: "CLOSED", LAYBY: "LAYBY_CLOSED", ONACCOUNT: "ONACCOUNT_CLOSED" };

/** Takes the balance (or `amount`) as one payment; a fully paid sale closes. */
function pay(sale: XSale, body: { amount?: number; name?: string }, now: Date): void {
  if (!(sale.status in CLOSED_OF)) throw new SimError(422, `a ${sale.status} sale takes no payment`);
  const total = fixed(sale.total_price) + fixed(sale.total_tax);
  const paid = sale.payments.reduce((n, p) => n + fixed(p.amount), 0n);
  const amount = body.amount !== undefined ? fixed(body.amount) : total - paid;
  if (amount <= 0n || paid + amount > total) throw new SimError(422, "payment exceeds the balance");
  sale.payments.push({ id: crypto.randomUUID(), name: body.name ?? "Cash", amount: num(amount), payment_date: isoTime(now) });
  if (paid + amount === total) sale.status = CLOSED_OF[sale.status]!;
}

/**
 * A return as X-Series records one (https://x-series-api.lightspeedhq.com/docs/sales_returns): a new CLOSED sale with
 * negative quantities, `return_for` the original, and the refund paid out as a negative payment. Returned units take
 * the line's unit price and unit tax; the refund is whole cents, any sub-cent rest staying in its tax.
 */
function returnSale(original: XSale, body: { lines?: { id: string; quantity?: number }[]; note?: string }, now: Date): XSale {
  if (original.return_for) throw new SimError(422, "a return cannot be returned");
  const targets = body.lines ?? original.line_items.map((l) => ({ id: l.id, quantity: l.quantity }));
  const lines = targets.map((t) => {
    const l = original.line_items.find((x) => x.id === t.id);
    if (!l) throw new SimError(422, `line ${t.id} is not on sale ${original.id}`);
    const qty = t.quantity ?? l.quantity;
    if (qty <= 0 || qty > l.quantity) throw new SimError(422, `line ${t.id} has ${l.quantity}, ${qty} requested`);
    const price = times(fixed(l.price), qty);
    const tax = l.quantity === qty ? fixed(l.tax_total) : times(fixed(l.tax ?? 0), qty);
    return { l, qty, price, tax };
  });
  const price = lines.reduce((n, x) => n + x.price, 0n);
  const tax = lines.reduce((n, x) => n + x.tax, 0n);
  const refund = ((price + tax) / 1000n + ((price + tax) % 1000n >= 500n ? 1n : 0n)) * 1000n;
  const at = isoTime(now);
  return {
    id: crypto.randomUUID(),
    outlet_id: original.outlet_id,
    register_id: original.register_id,
    user_id: original.user_id,
    customer_id: original.customer_id,
    invoice_number: `${original.invoice_number ?? original.id}-R`,
    status: "CLOSED",
    note: body.note ?? "",
    return_for: original.id,
    created_at: at,
    updated_at: at,
    sale_date: at,
    total_price: -num(price),
    total_tax: -num(refund - price),
    version: 0,
    taxes: original.taxes,
    line_items: lines.map(({ l, qty, price: p, tax: t }, i) => ({
      ...l,
      id: crypto.randomUUID(),
      quantity: -qty,
      price_total: -num(p),
      tax_total: -num(i === lines.length - 1 ? t + (refund - price - tax) : t),
      is_return: true,
    })),
    payments: [{ id: crypto.randomUUID(), name: original.payments[0]?.name ?? "Cash", amount: -num(refund), payment_date: at }],
  };
}

async function jsonBody<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  try {
    return (text.trim() ? JSON.parse(text) : {}) as T;
  } catch {
    throw new SimError(400, "body is not JSON");
  }
}

export const lightspeedXSeriesSimulator: Simulator = {
  slug: "lightspeed-x-series",

  routes(app: Hono, sim: SimContext) {
    app.use(`${API}/*`, async (c, next) => {
      if (c.req.header("Authorization") !== `Bearer ${settings(sim).accessToken}`) return error(401, { error: "Unauthorized", message: "Invalid or expired token" });
      const limit = 300 * settings(sim).registers + 50;
      const wait = sim.rateLimit("api", limit, WINDOW_SECONDS);
      if (wait > 0) {
        sim.bump("throttled");
        return tooMany(sim, wait, limit);
      }
      await next();
      c.res.headers.set("X-RateLimit-Limit", String(limit));
    });

    // https://x-series-api.lightspeedhq.com/reference/listsales: versions above `after` (below `before`), oldest first.
    app.get(`${API}/sales`, (c) => {
      const after = Number(c.req.query("after") ?? 0);
      const before = c.req.query("before") === undefined ? Infinity : Number(c.req.query("before"));
      const size = Math.min(1000, Math.max(1, Number(c.req.query("page_size") ?? 50) || 50));
      if (!Number.isFinite(after)) return error(400, { error: "Bad Request", message: "after must be a version number" });
      const rows = sim.store
        .list<XSale>(SALES)
        .filter((s) => s.version > after && s.version < before)
        .sort((a, b) => a.version - b.version)
        .slice(0, size);
      return c.json({ data: rows, version: rows.length ? { min: rows[0]!.version, max: rows.at(-1)!.version } : { min: null, max: null } });
    });

    app.get(`${API}/sales/:id`, (c) => {
      const sale = loadSale(sim, c.req.param("id"));
      return sale ? c.json({ data: sale }) : error(404, { error: "Not Found", message: "Entity not found" });
    });

    app.all(`${API}/*`, () => error(404, { error: "Not Found" }));

    // ---- simulator controls (never faulted, no auth)

    app.get("/_sim/config", (c) => c.json(settings(sim)));

    app.post("/_sim/sales/:id/:action", async (c) => {
      const sale = loadSale(sim, c.req.param("id"));
      if (!sale) return error(404, { error: "Not Found" });
      try {
        const now = sim.now();
        const body = await jsonBody<Record<string, unknown>>(c);
        switch (c.req.param("action")) {
          case "pay":
            pay(sale, body as { amount?: number; name?: string }, now);
            return c.json(await store(sim, sale));
          case "void":
            if (sale.status === "VOIDED") throw new SimError(422, "already voided");
            sale.status = "VOIDED";
            return c.json(await store(sim, sale));
          case "dispatch":
            if (sale.status !== "AWAITING_DISPATCH") throw new SimError(422, `a ${sale.status} sale is not awaiting dispatch`);
            sale.status = "DISPATCHED_CLOSED";
            return c.json(await store(sim, sale));
          case "pickup":
            if (sale.status !== "AWAITING_PICKUP") throw new SimError(422, `a ${sale.status} sale is not awaiting pickup`);
            sale.status = "PICKED_UP_CLOSED";
            return c.json(await store(sim, sale));
          case "return":
            return c.json(await store(sim, returnSale(sale, body as { lines?: { id: string; quantity?: number }[]; note?: string }, now)));
          case "update": {
            const { id: _id, version: _version, ...patch } = body;
            Object.assign(sale, patch);
            return c.json(await store(sim, sale));
          }
          default:
            return error(404, { error: `unknown action "${c.req.param("action")}" (pay, void, dispatch, pickup, return, update)` });
        }
      } catch (err) {
        if (err instanceof SimError) return error(err.status, { error: err.message });
        throw err;
      }
    });
  },

  async seedOrder(sim, record) {
    const r = SeedSale.safeParse(record);
    if (!r.success) {
      const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw new HTTPException(422, { res: error(422, { error: "Unprocessable Entity", message: problems }) });
    }
    const sale = { updated_at: r.data.created_at, ...r.data } as unknown as XSale;
    return store(sim, sale);
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return tooMany(sim, retryAfter, 300 * settings(sim).registers + 50);
    if (kind === "server") return error(500, { error: "Internal Server Error" });
    return error(504, { error: "Gateway Timeout" });
  },
};
