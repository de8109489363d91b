// The Clover sandbox: REST v3 orders (expand, filter, limit/offset, 90-day window), token rate limits, X-Clover-Auth notifications.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { SimContext, Simulator } from "../../kit";
import { pay, refund, SimError, update, type Notice } from "./lifecycle";
import { loadOrder, newId, ORDERS, saveOrder, SeedOrder, settings, type CloverOrder } from "./records";

/** https://docs.clover.com/docs/api-usage-rate-limits — per token: 16 requests/s, 5 concurrent. */
const TOKEN_PER_SECOND = 16;
const TOKEN_CONCURRENT = 5;
const MAX_LIMIT = 1000;
const WINDOW_MS = 90 * 24 * 60 * 60_000;
const COLLECTIONS = ["lineItems", "payments", "refunds", "credits", "discounts", "customers", "serviceCharge", "orderType"] as const;
const FILTER_FIELDS = ["modifiedTime", "createdTime", "clientCreatedTime", "total", "state", "paymentState", "payType", "title"] as const;

function message(status: number, text: string, headers: Record<string, string> = {}): Response {
  return Response.json({ message: text }, { status, headers });
}

function simError(err: unknown): Response {
  if (err instanceof SimError) return message(err.status, err.message);
  throw err;
}

async function jsonBody<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (!text.trim()) return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SimError(400, "body is not JSON");
  }
}

/** Collections appear only when expanded (https://docs.clover.com/docs/expanding-fields). */
function project(order: CloverOrder, expand: string[], baseUrl: string, merchantId: string): Record<string, unknown> {
  const out: Record<string, unknown> = { href: `${baseUrl}/v3/merchants/${merchantId}/orders/${order.id}` };
  for (const [k, v] of Object.entries(order)) {
    if ((COLLECTIONS as readonly string[]).includes(k) && !expand.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

function expandOf(url: URL): string[] {
  return url.searchParams.getAll("expand").flatMap((e) => e.split(",")).map((e) => e.trim().split(".")[0]!).filter(Boolean);
}

interface Condition {
  field: string;
  op: string;
  value: string;
}

/** filter=<field><op><value>, repeated filters ANDed (https://docs.clover.com/docs/applying-filters). */
function conditions(url: URL): Condition[] {
  return url.searchParams.getAll("filter").map((f) => {
    const m = /^([A-Za-z]+)\s*(>=|<=|!=|=|>|<)\s*(.*)$/.exec(f.trim());
    if (!m) throw new SimError(400, `Invalid filter: ${f}`);
    if (!(FILTER_FIELDS as readonly string[]).includes(m[1]!)) throw new SimError(400, `Invalid filter field: ${m[1]}. Allowed: ${FILTER_FIELDS.join(", ")}`);
    return { field: m[1]!, op: m[2]!, value: m[3]! };
  });
}

function holds(order: CloverOrder, c: Condition): boolean {
  const v = order[c.field];
  const a = typeof v === "number" ? v : String(v ?? "");
  const b = typeof v === "number" ? Number(c.value) : c.value;
  switch (c.op) {
    case ">=":
      return a >= b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case "<":
      return a < b;
    case "!=":
      return a !== b;
    default:
      return a === b;
  }
}

/**
 * Orders queries span at most 90 days: a time range wider than that is refused, and a query without a lower time bound
 * reads the last 90 days (https://docs.clover.com/docs/limits-added-to-calls-to-payments-and-orders-endpoints) [UNVERIFIED exact behaviour].
 */
function timeWindow(conds: Condition[], now: number): Condition[] {
  const times = conds.filter((c) => c.field === "modifiedTime" || c.field === "createdTime" || c.field === "clientCreatedTime");
  const lower = times.filter((c) => c.op.startsWith(">")).map((c) => Number(c.value));
  const upper = times.filter((c) => c.op.startsWith("<")).map((c) => Number(c.value));
  if (lower.length === 0) return [...conds, { field: "createdTime", op: ">=", value: String(now - WINDOW_MS) }];
  const from = Math.max(...lower);
  const to = upper.length ? Math.min(...upper) : now;
  if (to - from >= WINDOW_MS) throw new SimError(400, "The time range of an orders query may not exceed 90 days.");
  return conds;
}

async function notify(sim: SimContext, notices: Notice[]): Promise<void> {
  if (notices.length === 0) return;
  const s = settings(sim);
  // One POST per batch: {"appId", "merchants": {"<mId>": [{objectId, type, ts}, …]}}.
  const body = JSON.stringify({ appId: s.appId, merchants: { [s.merchantId]: notices } });
  sim.emitWebhook({ url: s.webhookUrl, headers: { "Content-Type": "application/json", "X-Clover-Auth": s.authCode }, body });
  sim.bump("webhooks_notifications");
}

function accept(sim: SimContext, record: unknown): CloverOrder {
  const r = SeedOrder.safeParse(record);
  if (!r.success) throw new SimError(400, r.error.issues.slice(0, 8).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  const order = { ...r.data } as unknown as CloverOrder;
  const now = sim.now().getTime();
  order.id ??= newId(sim);
  order.createdTime ??= now;
  order.clientCreatedTime ??= order.createdTime;
  order.modifiedTime ??= order.createdTime;
  for (const li of order.lineItems?.elements ?? []) li.id ??= newId(sim);
  for (const p of order.payments?.elements ?? []) {
    p.id ??= newId(sim);
    p.order ??= { id: order.id };
    p.result ??= "SUCCESS";
    p.createdTime ??= order.modifiedTime;
  }
  if (loadOrder(sim, order.id)) throw new SimError(400, `order ${order.id} already exists`);
  return order;
}

export const cloverSimulator: Simulator = {
  slug: "clover",

  routes(app: Hono, sim: SimContext) {
    // https://docs.clover.com/docs/using-api-tokens — bearer token (or the legacy access_token parameter), then limits.
    app.use("/v3/*", async (c, next) => {
      const s = settings(sim);
      const token = c.req.header("Authorization")?.replace(/^Bearer\s+/i, "") ?? c.req.query("access_token");
      if (token !== s.accessToken) return message(401, "401 Unauthorized");
      if (sim.rateLimit("token", TOKEN_PER_SECOND, 1) > 0) {
        sim.bump("throttled");
        return message(429, "Too many requests", { "X-RateLimit-tokenLimit": String(TOKEN_PER_SECOND) });
      }
      if (!sim.acquireSlot("token", TOKEN_CONCURRENT)) {
        sim.bump("throttled");
        return message(429, "Too many concurrent requests", { "X-RateLimit-tokenConcurrentLimit": String(TOKEN_CONCURRENT), "retry-after": "1" });
      }
      try {
        await next();
      } finally {
        sim.releaseSlot("token");
      }
    });

    app.use("/v3/merchants/:mId/*", async (c, next) => {
      if (c.req.param("mId") !== settings(sim).merchantId) return message(401, "401 Unauthorized");
      await next();
    });

    // https://docs.clover.com/dev/reference/ordergetorders
    app.get("/v3/merchants/:mId/orders", (c) => {
      try {
        const url = new URL(c.req.url);
        const limit = Number(url.searchParams.get("limit") ?? 100);
        const offset = Number(url.searchParams.get("offset") ?? 0);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new SimError(400, `limit must be 1–${MAX_LIMIT}`);
        if (!Number.isInteger(offset) || offset < 0) throw new SimError(400, "offset must be a non-negative integer");
        const conds = timeWindow(conditions(url), sim.now().getTime());
        const [field = "createdTime", dir = "DESC"] = (url.searchParams.get("orderBy") ?? "createdTime DESC").trim().split(/\s+/);
        if (!(FILTER_FIELDS as readonly string[]).includes(field) || !/^(ASC|DESC)$/i.test(dir)) throw new SimError(400, `Invalid orderBy: ${url.searchParams.get("orderBy")}`);
        const sign = dir.toUpperCase() === "ASC" ? 1 : -1;
        const rows = sim.store
          .list<CloverOrder>(ORDERS)
          .filter((o) => conds.every((cond) => holds(o, cond)))
          .sort((a, b) => sign * (Number(a[field] ?? 0) - Number(b[field] ?? 0)) || (a.id < b.id ? -1 : 1));
        const expand = expandOf(url);
        const mId = settings(sim).merchantId;
        return c.json({ elements: rows.slice(offset, offset + limit).map((o) => project(o, expand, sim.baseUrl, mId)), href: `${sim.baseUrl}/v3/merchants/${mId}/orders?limit=${limit}` });
      } catch (err) {
        return simError(err);
      }
    });

    // https://docs.clover.com/dev/reference/ordergetorder
    app.get("/v3/merchants/:mId/orders/:orderId", (c) => {
      const order = loadOrder(sim, c.req.param("orderId"));
      if (!order) return message(404, "Not Found");
      return c.json(project(order, expandOf(new URL(c.req.url)), sim.baseUrl, settings(sim).merchantId));
    });

    app.all("/v3/*", () => message(404, "Not Found"));

    // ---- simulator controls (never faulted, no auth)

    app.post("/_sim/orders/:id/:action", async (c) => {
      const order = loadOrder(sim, c.req.param("id"));
      if (!order) return message(404, "Not Found");
      try {
        const body = await jsonBody<Record<string, unknown>>(c);
        let notices: Notice[];
        switch (c.req.param("action")) {
          case "pay":
            notices = pay(sim, order, body as { tender?: string; tip?: number });
            break;
          case "refund":
            notices = refund(sim, order, body as { amount?: number; lineItemIds?: string[] });
            break;
          case "update":
            notices = update(sim, order, body as { note?: string; title?: string });
            break;
          case "delete":
            sim.store.delete(ORDERS, order.id);
            await notify(sim, [{ objectId: `O:${order.id}`, type: "DELETE", ts: Math.max(sim.now().getTime(), order.modifiedTime + 1) }]);
            return c.json({ deleted: order.id });
          default:
            return message(404, `unknown action "${c.req.param("action")}" (pay, refund, update, delete)`);
        }
        saveOrder(sim, order);
        await notify(sim, notices);
        return c.json(order);
      } catch (err) {
        return simError(err);
      }
    });

    /** One notification naming several existing orders at once (Clover batches updates per merchant). */
    app.post("/_sim/notify", async (c) => {
      const body = await jsonBody<{ orderIds?: string[] }>(c);
      const ids = (body.orderIds ?? []).filter((id) => loadOrder(sim, id));
      const now = sim.now().getTime();
      await notify(sim, ids.map((id) => ({ objectId: `O:${id}`, type: "UPDATE" as const, ts: now })));
      return c.json({ notified: ids });
    });

    /** The POST Clover makes when a webhook URL is registered: {"verificationCode": …}, no X-Clover-Auth yet. */
    app.post("/_sim/verify", async (c) => {
      await c.req.text();
      const code = crypto.randomUUID();
      sim.emitWebhook({ url: settings(sim).webhookUrl, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ verificationCode: code }) });
      return c.json({ verificationCode: code });
    });
  },

  async seedOrder(sim, record) {
    let order: CloverOrder;
    try {
      order = accept(sim, record);
    } catch (err) {
      throw new HTTPException(400, { res: simError(err) });
    }
    saveOrder(sim, order);
    await notify(sim, [{ objectId: `O:${order.id}`, type: "CREATE", ts: order.modifiedTime }]);
    return project(order, [...COLLECTIONS], sim.baseUrl, settings(sim).merchantId);
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return message(429, "Too many requests", { "retry-after": String(retryAfter), "X-RateLimit-tokenLimit": String(TOKEN_PER_SECOND) });
    if (kind === "server") return message(500, "Internal Server Error");
    return message(504, "Gateway Timeout");
  },
};
