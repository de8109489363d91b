// What the simulated shop does to a stored order when it is paid, fulfilled, delivered, cancelled, refunded or edited.
import { z } from "zod";
import { allocate, sum } from "../../../../shared/model/money";
import { amount, minor, moneySet, nextUpdatedAt, transaction, type ShopifyLineItem, type ShopifyOrder, type ShopifyRefund, type ShopifyTransaction, type Tender } from "./records";

/** A change Shopify would refuse; the route answers it in Shopify's error shape. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly errors: unknown,
  ) {
    super(typeof errors === "string" ? errors : JSON.stringify(errors));
  }
}

export interface MutationEnv {
  now: Date;
  nextId(kind: string): number;
  random(): number;
}

/** The changed order and the webhooks Shopify sends for the change, in order. */
export interface Mutation {
  order: ShopifyOrder;
  webhooks: [topic: string, payload: unknown][];
  /** The order's whole transaction list after the change, when the change moved money. */
  transactions?: ShopifyTransaction[];
}

/**
 * Sale transactions taking `due`: one per tender in order, the last tender without an amount taking the rest; when no
 * tender states an amount, the gateways share `due` evenly (largest remainder).
 */
export function sales(order: ShopifyOrder, tenders: readonly Tender[], due: number, env: MutationEnv, at: string): ShopifyTransaction[] {
  if (tenders.length === 0 || due <= 0) return [];
  const stated = tenders.map((t) => (t.amount === undefined ? undefined : minor(t.amount, order.currency)));
  let amounts: number[];
  if (stated.every((a) => a === undefined)) {
    amounts = allocate(due, tenders.map(() => 1));
  } else {
    const open = stated.filter((a) => a === undefined).length;
    const rest = due - sum(stated.map((a) => a ?? 0));
    if (open > 1 || (open === 0 && rest !== 0) || rest < 0 || stated.some((a) => a !== undefined && a <= 0)) {
      throw new SimError(422, { transactions: [`tenders must add up to ${amount(due, order.currency)} (at most one without an amount)`] });
    }
    amounts = stated.map((a) => a ?? rest);
  }
  return tenders.map((t, i) => transaction(order, env.nextId("transaction"), "sale", t.gateway, amounts[i]!, at));
}

const takenBy = (txs: readonly ShopifyTransaction[], currency: string, kinds: string[]) =>
  sum(txs.filter((t) => kinds.includes(t.kind) && t.status === "success").map((t) => minor(t.amount, currency)));

const LineSelection = z.array(z.object({ id: z.number().int().positive(), quantity: z.number().int().positive().optional() }));

export const FulfillBody = z.object({
  lines: LineSelection.optional(),
  trackingCompany: z.string().optional(),
  trackingNumber: z.string().optional(),
});
export type FulfillBody = z.infer<typeof FulfillBody>;

export const RefundBody = z.object({
  /** Which lines and how many units; all unrefunded units when omitted. */
  lines: LineSelection.optional(),
  /** Refund the remaining shipping; defaults to true when `lines` is omitted, false otherwise. */
  shipping: z.boolean().optional(),
  restock: z.boolean().optional(),
  note: z.string().optional(),
});
export type RefundBody = z.infer<typeof RefundBody>;

export const CancelBody = z.object({ reason: z.enum(["customer", "fraud", "inventory", "declined", "other"]).optional() });
export type CancelBody = z.infer<typeof CancelBody>;

function refuseIfCancelled(order: ShopifyOrder, what: string): void {
  if (order.cancelled_at) throw new SimError(422, { base: [`Cannot ${what} a cancelled order`] });
}

function line(order: ShopifyOrder, id: number): ShopifyLineItem {
  const found = order.line_items.find((l) => l.id === id);
  if (!found) throw new SimError(422, { line_items: [`line item ${id} does not belong to order ${order.id}`] });
  return found;
}

const fulfillable = (l: ShopifyLineItem) => l.fulfillable_quantity ?? l.quantity;

export function pay(order: ShopifyOrder, env: MutationEnv, txs: readonly ShopifyTransaction[] = []): Mutation {
  refuseIfCancelled(order, "pay");
  const status = order.financial_status ?? "pending";
  if (!["pending", "authorized", "partially_paid"].includes(status)) throw new SimError(422, { financial_status: [`is already ${status}`] });
  order.financial_status = "paid";
  order.total_outstanding = amount(0, order.currency);
  if (!order.payment_gateway_names?.length) order.payment_gateway_names = ["manual"];
  order.updated_at = nextUpdatedAt(order, env.now);
  // The outstanding amount is captured under the last gateway named.
  const due = minor(order.total_price, order.currency) - takenBy(txs, order.currency, ["sale", "capture"]);
  const taken = sales(order, [{ gateway: order.payment_gateway_names.at(-1)! }], due, env, order.updated_at);
  return { order, webhooks: [["orders/paid", order], ["orders/updated", order]], transactions: [...txs, ...taken] };
}

// https://shopify.dev/docs/api/admin-rest/2024-04/resources/fulfillment#resource-object
export function fulfill(order: ShopifyOrder, body: FulfillBody, env: MutationEnv): Mutation {
  refuseIfCancelled(order, "fulfill");
  const targets = (body.lines ?? order.line_items.filter((l) => fulfillable(l) > 0).map((l) => ({ id: l.id, quantity: fulfillable(l) }))).map((t) => {
    const l = line(order, t.id);
    const quantity = t.quantity ?? fulfillable(l);
    if (quantity <= 0 || quantity > fulfillable(l)) throw new SimError(422, { line_items: [`line item ${l.id} has ${fulfillable(l)} fulfillable, ${quantity} requested`] });
    return { l, quantity };
  });
  if (targets.length === 0) throw new SimError(422, { base: ["Order has no fulfillable line items"] });
  const at = nextUpdatedAt(order, env.now);
  const fulfillments = (order.fulfillments ??= []);
  const trackingNumber = body.trackingNumber ?? `1Z${Math.floor(env.random() * 1e12).toString().padStart(12, "0")}`;
  const company = body.trackingCompany ?? "UPS";
  const id = env.nextId("fulfillment");
  fulfillments.push({
    id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${id}`,
    created_at: at,
    updated_at: at,
    location_id: order.location_id ?? null,
    name: `${order.name}.${fulfillments.length + 1}`,
    order_id: order.id,
    service: "manual",
    shipment_status: null,
    status: "success",
    tracking_company: company,
    tracking_number: trackingNumber,
    tracking_numbers: [trackingNumber],
    tracking_url: `https://www.ups.com/track?tracknum=${trackingNumber}`,
    tracking_urls: [`https://www.ups.com/track?tracknum=${trackingNumber}`],
    line_items: targets.map(({ l, quantity }) => ({ ...l, quantity })),
  });
  for (const { l, quantity } of targets) {
    l.fulfillable_quantity = fulfillable(l) - quantity;
    l.fulfillment_status = l.fulfillable_quantity === 0 ? "fulfilled" : "partial";
  }
  const done = order.line_items.every((l) => fulfillable(l) === 0);
  order.fulfillment_status = done ? "fulfilled" : "partial";
  order.updated_at = at;
  return { order, webhooks: [[done ? "orders/fulfilled" : "orders/partially_fulfilled", order], ["orders/updated", order]] };
}

export function deliver(order: ShopifyOrder, env: MutationEnv): Mutation {
  const shipped = (order.fulfillments ?? []).filter((f) => f.status === "success" && f.shipment_status !== "delivered");
  if (shipped.length === 0) throw new SimError(422, { base: ["Order has no shipped fulfillment to deliver"] });
  const at = nextUpdatedAt(order, env.now);
  for (const f of shipped) {
    f.shipment_status = "delivered";
    f.updated_at = at;
  }
  order.updated_at = at;
  return { order, webhooks: [["orders/updated", order]] };
}

// https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#post-orders-order-id-cancel
export function cancel(order: ShopifyOrder, body: CancelBody, env: MutationEnv): Mutation {
  if (order.cancelled_at) throw new SimError(422, { base: ["Order has already been cancelled"] });
  // "Orders that are paid and have fulfillments can't be canceled" (the endpoint's caveat); since March 2018 any
  // fulfilled or partially fulfilled order answers an error
  // (https://shopify.dev/changelog/fulfilled-and-partially-fulfilled-orders-can-no-longer-be-canceled-by-using-the-order-resource).
  // Shopify's 422 envelope {"errors":{"base":[…]}}; the message's wording is ours.
  if ((order.fulfillments ?? []).some((f) => f.status === "success")) {
    throw new SimError(422, { base: ["Cannot cancel an order that has fulfillments (paid and fulfilled orders can't be canceled)"] });
  }
  const at = nextUpdatedAt(order, env.now);
  order.cancelled_at = at;
  order.closed_at = at;
  order.cancel_reason = body.reason ?? "other";
  if (["pending", "authorized"].includes(order.financial_status ?? "pending")) order.financial_status = "voided";
  for (const l of order.line_items) l.fulfillable_quantity = 0;
  order.updated_at = at;
  return { order, webhooks: [["orders/cancelled", order], ["orders/updated", order]] };
}

/** Units [from, from+count) of an amount spread evenly over `quantity` units, largest remainder first. */
function unitsShare(total: number, quantity: number, from: number, count: number): number {
  if (quantity === 0) return 0;
  return sum(allocate(total, Array.from({ length: quantity }, () => 1)).slice(from, from + count));
}

const allocated = (xs: { amount: string }[] | undefined, currency: string) => sum((xs ?? []).map((x) => minor(x.amount, currency)));
const taxed = (xs: { price: string }[] | undefined, currency: string) => sum((xs ?? []).map((x) => minor(x.price, currency)));

// https://shopify.dev/docs/api/admin-rest/2024-04/resources/refund#resource-object
/**
 * Refund transactions returning `money`: to the tenders newest first (a gift card is applied before the card is
 * charged, so the card is refunded first), each up to what it took less what was refunded to it already.
 */
function refundTransactions(order: ShopifyOrder, txs: readonly ShopifyTransaction[], money: number, env: MutationEnv, at: string): ShopifyTransaction[] {
  const cur = order.currency;
  const taken = txs.filter((t) => (t.kind === "sale" || t.kind === "capture") && t.status === "success");
  if (taken.length === 0) return [transaction(order, env.nextId("transaction"), "refund", order.payment_gateway_names?.[0] ?? "manual", money, at)];
  const out: ShopifyTransaction[] = [];
  let left = money;
  for (const sale of [...taken].reverse()) {
    const refunded = sum(txs.filter((t) => t.kind === "refund" && t.status === "success" && t.parent_id === sale.id).map((t) => minor(t.amount, cur)));
    const room = minor(sale.amount, cur) - refunded;
    const part = Math.min(room, left);
    if (part <= 0) continue;
    out.push(transaction(order, env.nextId("transaction"), "refund", sale.gateway, part, at, sale.id));
    left -= part;
    if (left === 0) break;
  }
  if (left > 0) throw new SimError(422, { base: [`Refund exceeds the ${amount(money - left, cur)} left to refund`] });
  return out;
}

export function refund(order: ShopifyOrder, body: RefundBody, env: MutationEnv, txs: readonly ShopifyTransaction[] = []): Mutation {
  const status = order.financial_status ?? "pending";
  if (!["paid", "partially_refunded"].includes(status)) throw new SimError(422, { base: [`Cannot refund an order that is ${status}`] });
  const cur = order.currency;
  const refunds = (order.refunds ??= []);
  const refundedUnits = (id: number) => sum(refunds.flatMap((r) => r.refund_line_items.filter((x) => x.line_item_id === id).map((x) => x.quantity)));
  const targets = (body.lines ?? order.line_items.map((l) => ({ id: l.id, quantity: l.quantity - refundedUnits(l.id) })).filter((t) => t.quantity > 0)).map((t) => {
    const l = line(order, t.id);
    const left = l.quantity - refundedUnits(l.id);
    const quantity = t.quantity ?? left;
    if (quantity <= 0 || quantity > left) throw new SimError(422, { refund_line_items: [`line item ${l.id} has ${left} refundable, ${quantity} requested`] });
    return { l, quantity, from: refundedUnits(l.id) };
  });
  const at = nextUpdatedAt(order, env.now);
  const restock = body.restock ?? true;
  const refundId = env.nextId("refund");
  const lines = targets.map(({ l, quantity, from }) => {
    const net = minor(l.price, cur) * l.quantity - allocated(l.discount_allocations, cur);
    const subtotal = unitsShare(net, l.quantity, from, quantity);
    const tax = sum((l.tax_lines ?? []).map((t) => unitsShare(minor(t.price, cur), l.quantity, from, quantity)));
    const restockType = !restock ? "no_restock" : fulfillable(l) >= quantity ? "cancel" : "return";
    if (restockType === "cancel") l.fulfillable_quantity = fulfillable(l) - quantity;
    l.current_quantity = (l.current_quantity ?? l.quantity) - quantity;
    const id = env.nextId("refund_line_item");
    return {
      id,
      line_item_id: l.id,
      location_id: order.location_id ?? null,
      quantity,
      restock_type: restockType,
      // Shopify sends these two as JSON numbers beside exact string twins.
      subtotal: Number(amount(subtotal, cur)),
      subtotal_set: moneySet(subtotal, cur),
      total_tax: Number(amount(tax, cur)),
      total_tax_set: moneySet(tax, cur),
      line_item: { ...l },
      _minor: { subtotal, tax },
    };
  });

  const adjustments: ShopifyRefund["order_adjustments"] = [];
  let shipping = 0;
  let shippingTax = 0;
  if (body.shipping ?? body.lines === undefined) {
    const priorShip = -sum(refunds.flatMap((r) => r.order_adjustments.filter((a) => a.kind === "shipping_refund").map((a) => minor(a.amount, cur))));
    const priorShipTax = -sum(refunds.flatMap((r) => r.order_adjustments.filter((a) => a.kind === "shipping_refund").map((a) => minor(a.tax_amount, cur))));
    const ships = order.shipping_lines ?? [];
    shipping = sum(ships.map((s) => minor(s.price, cur) - allocated(s.discount_allocations, cur))) - priorShip;
    shippingTax = sum(ships.map((s) => taxed(s.tax_lines, cur))) - priorShipTax;
    if (shipping > 0 || shippingTax > 0) {
      const id = env.nextId("order_adjustment");
      adjustments.push({
        id,
        order_id: order.id,
        refund_id: refundId,
        amount: amount(-shipping, cur),
        amount_set: moneySet(-shipping, cur),
        tax_amount: amount(-shippingTax, cur),
        tax_amount_set: moneySet(-shippingTax, cur),
        kind: "shipping_refund",
        reason: "Shipping refund",
      });
    }
  }

  const included = order.taxes_included;
  const money = sum(lines.map((l) => l._minor.subtotal + (included ? 0 : l._minor.tax))) + shipping + (included ? 0 : shippingTax);
  if (money <= 0) throw new SimError(422, { base: ["Refund amount must be greater than zero"] });
  const returned = refundTransactions(order, txs, money, env, at);
  const created: ShopifyRefund = {
    id: refundId,
    admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
    order_id: order.id,
    created_at: at,
    processed_at: at,
    note: body.note ?? null,
    restock,
    user_id: null,
    duties: [],
    additional_fees: [],
    total_duties_set: moneySet(0, cur),
    total_additional_fees_set: moneySet(0, cur),
    return: null,
    refund_line_items: lines.map(({ _minor, ...rest }) => rest),
    transactions: returned,
    order_adjustments: adjustments,
  };
  refunds.push(created);
  const refundedTotal = sum(refunds.flatMap((r) => r.transactions.filter((t) => t.kind === "refund" && t.status === "success").map((t) => minor(t.amount, cur))));
  order.financial_status = refundedTotal >= minor(order.total_price, cur) ? "refunded" : "partially_refunded";
  order.updated_at = at;
  return { order, webhooks: [["refunds/create", created], ["orders/updated", order]], transactions: [...txs, ...returned] };
}

const FIXED = new Set(["id", "admin_graphql_api_id", "created_at", "updated_at"]);

/** An edit from the admin (note, tags, email, addresses…): top-level fields replaced, updated_at bumped. */
export function update(order: ShopifyOrder, patch: Record<string, unknown>, env: MutationEnv): Mutation {
  for (const [k, v] of Object.entries(patch)) if (!FIXED.has(k)) order[k] = v;
  order.updated_at = nextUpdatedAt(order, env.now);
  return { order, webhooks: [["orders/updated", order]] };
}
