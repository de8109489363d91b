// The Toast sandbox: client-credentials login, Orders API v2 (ordersBulk with its 5 req/s per location limit), signed
// order_updated webhooks, and controls that pay, void, refund and deliver an order.
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { floatToMinor, minorToNumber } from "../../../../shared/model/money";
import type { SimContext, Simulator } from "../../kit";
import { load, ORDERS, save, SeedOrder, settings, TOKENS, toastTime, touch, type Stored, type ToastOrder } from "./records";
import { emitOrderUpdated } from "./webhooks";

const RESTAURANT = "Toast-Restaurant-External-ID";
/** Orders carry no currency; the sandbox restaurant prices in USD. */
const CURRENCY = "USD";

/** Toast error bodies: {"status", "code", "message", "messageKey", "requestId", "canRetry", …}. */
function toastError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ status, code, message, messageKey: null, fieldName: null, link: null, requestId: crypto.randomUUID(), developerMessage: null, errors: [], canRetry: status === 429 || status >= 500 ? "Yes" : "No" }, { status, headers });
}

/** 429 with the reset time (epoch seconds) and Retry-After (https://doc.toasttab.com/doc/devguide/apiRateLimiting.html). */
function tooMany(sim: SimContext, wait: number): Response {
  return toastError(429, 429, "Too many requests. Rate limit exceeded.", {
    "Retry-After": String(wait),
    "X-Toast-RateLimit-Reset": String(Math.ceil(sim.now().getTime() / 1000) + wait),
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

const minor = (n: number | null | undefined) => floatToMinor(n ?? 0, CURRENCY);
const major = (m: number) => minorToNumber(m, CURRENCY);

async function store(sim: SimContext, stored: Stored): Promise<ToastOrder> {
  touch(stored.order, sim.now());
  save(sim, stored);
  await emitOrderUpdated(sim, stored.restaurantGuid, stored.order);
  return stored.order;
}

function live(order: ToastOrder) {
  return order.checks.filter((c) => !c.deleted && !c.voided);
}

/** Pays the first open check's balance (or `amount`), closing it when nothing is left to pay. */
function pay(order: ToastOrder, body: { type?: string; amount?: number; tipAmount?: number; cardType?: string }, now: Date): void {
  const check = live(order).find((c) => (c.paymentStatus ?? "OPEN") === "OPEN");
  if (!check) throw new SimError(400, "no open check to pay");
  const payments = (check.payments ??= []);
  const paid = payments.filter((p) => p.paymentStatus !== "VOIDED").reduce((n, p) => n + minor(p.amount), 0);
  const balance = minor(check.totalAmount) - paid;
  const amount = body.amount !== undefined ? minor(body.amount) : balance;
  if (amount <= 0 || amount > balance) throw new SimError(400, "payment exceeds the check balance");
  const at = toastTime(now.getTime());
  const type = body.type ?? "CREDIT";
  payments.push({
    guid: crypto.randomUUID(),
    entityType: "OrderPayment",
    type,
    amount: major(amount),
    tipAmount: body.tipAmount ?? 0,
    amountTendered: null,
    cardType: type === "CREDIT" ? (body.cardType ?? "VISA") : null,
    last4Digits: type === "CREDIT" ? "4242" : null,
    paidDate: at,
    paymentStatus: type === "CREDIT" ? "CAPTURED" : null,
    refundStatus: "NONE",
    refund: null,
    orderGuid: order.guid,
    checkGuid: check.guid,
  });
  if (amount === balance) {
    check.paymentStatus = "CLOSED";
    check.closedDate = at;
    order.paidDate = at;
    if (live(order).every((c) => c.paymentStatus === "CLOSED")) order.closedDate = at;
  }
}

/**
 * Refunds the order in one refund transaction: `selections` (by guid) are refunded in full (price + tax, refundDetails on
 * each), or a plain `amount` (default: everything still paid). The money goes back over the payments in order, each up
 * to what it has left, every one recording the same refund transaction in `refund` and `refundStatus`.
 */
function refund(order: ToastOrder, body: { selections?: string[]; amount?: number }, now: Date): void {
  const checks = live(order);
  const payments = checks.flatMap((c) => c.payments ?? []).filter((p) => p.paymentStatus !== "VOIDED");
  const left = (p: (typeof payments)[number]) => minor(p.amount) - minor((p.refund?.refundAmount as number | undefined) ?? 0);
  const transaction = { guid: crypto.randomUUID(), entityType: "RefundTransaction" };
  let amount = 0;
  for (const guid of body.selections ?? []) {
    const s = checks.flatMap((c) => c.selections).find((x) => x.guid === guid);
    if (!s || s.voided) throw new SimError(400, `selection ${guid} is not on this order`);
    s.refundDetails = { refundAmount: s.price ?? 0, taxRefundAmount: s.tax ?? 0, tipRefundAmount: 0, refundTransaction: transaction };
    amount += minor(s.price) + minor(s.tax);
  }
  const available = payments.reduce((n, p) => n + left(p), 0);
  if (!body.selections?.length) amount = body.amount !== undefined ? minor(body.amount) : available;
  if (amount <= 0 || amount > available) throw new SimError(400, "refund exceeds what was paid");
  const at = toastTime(now.getTime());
  for (const p of payments) {
    const part = Math.min(amount, left(p));
    if (part <= 0) continue;
    amount -= part;
    const already = minor((p.refund?.refundAmount as number | undefined) ?? 0);
    p.refund = { refundAmount: major(already + part), tipRefundAmount: 0, refundDate: at, refundBusinessDate: Number(at.slice(0, 10).replace(/-/g, "")), refundTransaction: transaction };
    p.refundStatus = already + part === minor(p.amount) ? "FULL" : "PARTIAL";
  }
}

async function jsonBody<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  try {
    return (text.trim() ? JSON.parse(text) : {}) as T;
  } catch {
    throw new SimError(400, "body is not JSON");
  }
}

export const toastSimulator: Simulator = {
  slug: "toast",

  routes(app: Hono, sim: SimContext) {
    // https://doc.toasttab.com/openapi/authentication/operation/authenticationLoginPost
    app.post("/authentication/v1/authentication/login", async (c) => {
      const s = settings(sim);
      const body = await c.req.json<{ clientId?: string; clientSecret?: string; userAccessType?: string }>().catch(() => ({}) as Record<string, string>);
      if (body.clientId !== s.clientId || body.clientSecret !== s.clientSecret || body.userAccessType !== "TOAST_MACHINE_CLIENT") {
        return toastError(401, 10001, "Invalid client credentials");
      }
      const accessToken = `toast-${crypto.randomUUID()}`;
      sim.store.put(TOKENS, accessToken, { expiresAt: sim.now().getTime() + 86_400_000 });
      return c.json({ token: { tokenType: "Bearer", scope: "orders:read", expiresIn: 86_400, accessToken, idToken: null, refreshToken: null }, status: "SUCCESS" });
    });

    app.use("/orders/v2/*", async (c, next) => {
      const token = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
      const known = token ? sim.store.get<{ expiresAt: number }>(TOKENS, token) : null;
      if (!known || known.expiresAt < sim.now().getTime()) return toastError(401, 10011, "Access token is invalid or expired");
      const restaurant = c.req.header(RESTAURANT);
      if (!restaurant) return toastError(400, 10022, `The ${RESTAURANT} header is required`);
      // Global limit: 20 requests per second per restaurant.
      const wait = sim.rateLimit(`all:${restaurant}`, 20, 1);
      if (wait > 0) {
        sim.bump("throttled");
        return tooMany(sim, wait);
      }
      await next();
    });

    // https://doc.toasttab.com/openapi/orders/operation/ordersBulkGet
    app.get("/orders/v2/ordersBulk", (c) => {
      const restaurant = c.req.header(RESTAURANT)!;
      // GET /ordersBulk: 5 requests per second per client per location.
      const wait = sim.rateLimit(`bulk:${restaurant}`, 5, 1);
      if (wait > 0) {
        sim.bump("throttled");
        return tooMany(sim, wait);
      }
      const q = new URL(c.req.url).searchParams;
      const start = Date.parse(q.get("startDate") ?? "");
      const end = Date.parse(q.get("endDate") ?? "");
      if (Number.isNaN(start) || Number.isNaN(end)) return toastError(400, 10010, "startDate and endDate are required ISO-8601 dates");
      if (end <= start) return toastError(400, 10010, "endDate must be later than startDate");
      const pageSize = Number(q.get("pageSize") ?? 100);
      const page = Number(q.get("page") ?? 1);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return toastError(400, 10010, "The maximum pageSize is 100");
      if (!Number.isInteger(page) || page < 1) return toastError(400, 10010, "page must be a positive integer");
      const rows = sim.store
        .list<Stored>(ORDERS)
        .filter((s) => s.restaurantGuid === restaurant)
        .map((s) => s.order)
        .filter((o) => {
          const m = Date.parse(o.modifiedDate);
          return m >= start && m < end;
        })
        .sort((a, b) => Date.parse(a.modifiedDate) - Date.parse(b.modifiedDate) || a.guid.localeCompare(b.guid));
      const out = rows.slice((page - 1) * pageSize, page * pageSize);
      const link = (p: number) => {
        const u = new URL(`${sim.baseUrl}/orders/v2/ordersBulk`);
        for (const [k, v] of q) u.searchParams.set(k, v);
        u.searchParams.set("page", String(p));
        return u.toString();
      };
      const links = [`<${link(page)}>; rel="self"`];
      if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
      if (page * pageSize < rows.length) links.push(`<${link(page + 1)}>; rel="next"`);
      return c.json(out, 200, { Link: links.join(", ") });
    });

    app.get("/orders/v2/orders/:guid", (c) => {
      const s = load(sim, c.req.param("guid"));
      if (!s || s.restaurantGuid !== c.req.header(RESTAURANT)) return toastError(404, 10404, "The specified order was not found");
      return c.json(s.order);
    });

    // ---- simulator controls (never faulted, no auth)

    app.get("/_sim/config", (c) => c.json(settings(sim)));

    app.post("/_sim/orders/:guid/:action", async (c) => {
      const s = load(sim, c.req.param("guid"));
      if (!s) return toastError(404, 10404, "The specified order was not found");
      try {
        const now = sim.now();
        const body = await jsonBody<Record<string, unknown>>(c);
        const order = s.order;
        switch (c.req.param("action")) {
          case "pay":
            pay(order, body, now);
            break;
          case "void":
            order.voided = true;
            order.voidDate = toastTime(now.getTime());
            for (const check of order.checks) check.voided = true;
            break;
          case "refund":
            refund(order, body as { selections?: string[]; amount?: number }, now);
            break;
          case "deliver":
            order.deliveryInfo = { ...(order.deliveryInfo ?? {}), dispatchedDate: order.deliveryInfo?.dispatchedDate ?? toastTime(now.getTime()), deliveredDate: toastTime(now.getTime()) };
            break;
          case "update": {
            const { guid: _guid, ...patch } = body;
            Object.assign(order, patch);
            break;
          }
          default:
            return toastError(404, 10404, `unknown action "${c.req.param("action")}" (pay, void, refund, deliver, update)`);
        }
        return c.json(await store(sim, s));
      } catch (err) {
        if (err instanceof SimError) return toastError(err.status, err.status, err.message);
        throw err;
      }
    });
  },

  /** Seeds one Order (for the restaurant in `details`-less form: the configured one, or `?restaurant=`). */
  async seedOrder(sim, record, c) {
    const r = SeedOrder.safeParse(record);
    if (!r.success) {
      const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw new HTTPException(422, { res: toastError(422, 10422, problems) });
    }
    const restaurantGuid = c.req.query("restaurant") || settings(sim).restaurantGuid;
    const order = r.data as unknown as ToastOrder;
    save(sim, { restaurantGuid, order });
    await emitOrderUpdated(sim, restaurantGuid, order);
    return order;
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return tooMany(sim, retryAfter);
    if (kind === "server") return toastError(500, 500, "An unexpected internal error occurred.");
    return toastError(504, 504, "Gateway Timeout");
  },
};

