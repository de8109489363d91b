// Adobe Commerce orders (with credit memos and shipments) → canonical order events, in the order currency, floats read
// with floatToMinor. A configurable product is a parent item (price, quantity, totals) plus a child item (the variant's
// SKU and name): they become ONE canonical line. A bundle's parent carries the price its children make up.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { floatToMinor, MoneyError, sum, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type EventType,
  type FinancialStatus,
  type Fulfillment,
  type FulfillmentStatus,
  type OrderInput,
  type OrderStatus,
  type Refund,
} from "../../../../shared/model/order";
import { normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";

export interface OrderExtras {
  creditmemos: S.Creditmemo[];
  shipments: S.Shipment[];
}

export const NO_EXTRAS: OrderExtras = { creditmemos: [], shipments: [] };

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Magento ${what} does not match the REST V1 shape: ${issues.join("; ")}`);
}

function money(amount: number, currency: string, where: string): Minor {
  try {
    return floatToMinor(amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Magento timestamps are UTC without a zone marker ("2017-08-21 22:22:19"). */
export function magentoTime(value: string): number {
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value.trim().replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) throw new NormalizeError(`"${value}" is not a Magento timestamp`);
  return ms;
}

function iso(value: string | undefined): string | undefined {
  return value ? new Date(magentoTime(value)).toISOString() : undefined;
}

function rate(percent: number): string {
  // tax_percent is a percentage (8.25); the canonical rate is a fraction ("0.0825"), computed on exact decimals.
  const [int = "0", frac = ""] = normalizeQuantity(percent).split(".");
  const digits = int + frac;
  const point = int.length - 2;
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits;
  const at = Math.max(point, 1);
  return normalizeQuantity(`${padded.slice(0, at)}.${padded.slice(at)}`);
}

export interface Line {
  /** The item whose price, quantity and totals the line carries. */
  priced: S.OrderItem;
  sku: string;
  name: string;
}

/**
 * Order items → lines. A configurable parent and its child are one line: the parent's price, quantity and totals,
 * the child's SKU and name (Magento prices the parent, the child names the variant). A bundle is its parent's line,
 * unless the parent is unpriced and its children carry the prices (they are then the lines).
 */
export function foldItems(items: S.OrderItem[]): { lines: Line[]; owner: Map<string, string> } {
  const owner = new Map<string, string>();
  const lines: Line[] = [];
  for (const top of items.filter((i) => !i.parent_item_id)) {
    const children = items.filter((c) => c.parent_item_id === top.item_id);
    if (top.product_type === "bundle" && top.row_total === 0 && children.some((c) => c.row_total !== 0)) {
      for (const c of children) {
        lines.push({ priced: c, sku: c.sku, name: c.name ?? c.sku });
        owner.set(c.item_id, c.item_id);
      }
      owner.set(top.item_id, top.item_id);
      continue;
    }
    const variant = top.product_type === "configurable" ? children[0] : undefined;
    lines.push({ priced: top, sku: variant?.sku ?? top.sku, name: variant?.name ?? top.name ?? top.sku });
    owner.set(top.item_id, top.item_id);
    for (const c of children) owner.set(c.item_id, top.item_id);
  }
  const orphans = items.filter((i) => !owner.has(i.item_id));
  if (orphans.length > 0) throw new NormalizeError(`Magento items ${orphans.map((o) => o.item_id).join(", ")} name a parent_item_id that is not in the order`);
  return { lines, owner };
}

/** A credit memo → a refund: lines for the priced items it names, shipping, adjustments, its own grand total. */
export function normalizeCreditmemo(memo: S.Creditmemo, currency: string, fold: ReturnType<typeof foldItems>): Refund {
  const where = `creditmemo[${memo.entity_id}]`;
  const restocked = new Set(memo.extension_attributes?.return_to_stock_items ?? []);
  const priced = new Set(fold.lines.map((l) => l.priced.item_id));
  const lines = memo.items
    .filter((i) => priced.has(i.order_item_id) && i.qty > 0)
    .map((i) => {
      const line = fold.lines.find((l) => l.priced.item_id === i.order_item_id)!;
      return {
        lineId: i.order_item_id,
        sku: line.sku,
        name: line.name,
        quantity: normalizeQuantity(i.qty),
        amount: money(i.row_total, currency, `${where}.items[${i.order_item_id}].row_total`) - money(i.discount_amount, currency, `${where}.items[${i.order_item_id}].discount_amount`),
        tax: money(i.tax_amount, currency, `${where}.items[${i.order_item_id}].tax_amount`),
        restock: restocked.has(i.order_item_id),
      };
    });
  return {
    id: `creditmemo-${memo.entity_id}`,
    createdAt: iso(memo.created_at)!,
    reason: memo.comments.map((c) => c.comment).filter(Boolean).join("; ") || undefined,
    lines,
    shipping: money(memo.shipping_amount, currency, `${where}.shipping_amount`),
    adjustments: money(memo.adjustment_positive, currency, `${where}.adjustment_positive`) - money(memo.adjustment_negative, currency, `${where}.adjustment_negative`),
    total: money(memo.grand_total, currency, `${where}.grand_total`),
    tax: money(memo.tax_amount, currency, `${where}.tax_amount`),
    payments: [],
  };
}

function shipment(s: S.Shipment, fold: ReturnType<typeof foldItems>): Fulfillment {
  const quantities = new Map<string, number>();
  for (const i of s.items) {
    const id = fold.owner.get(i.order_item_id);
    // A configurable's shipment names the child (or both); the line is counted once, by its owner.
    if (id !== undefined && !quantities.has(id)) quantities.set(id, i.qty);
  }
  const track = s.tracks[0];
  return {
    id: `shipment-${s.entity_id}`,
    status: "shipped",
    carrier: track?.title ?? track?.carrier_code,
    trackingNumber: track?.track_number,
    lines: [...quantities].map(([lineId, qty]) => ({ lineId, quantity: normalizeQuantity(qty) })),
    updatedAt: iso(s.updated_at ?? s.created_at),
  };
}

/**
 * Order state (Order::STATE_*) → lifecycle. `complete` is invoiced and shipped, `closed` refunded by credit memos,
 * `processing` invoiced or (partly) shipped, `holded`/`payment_review`/`pending_payment`/`new` still pending.
 */
function statuses(o: S.Order, total: Minor, paid: Minor, refunded: Minor): { status: OrderStatus; financial: FinancialStatus; fulfillment: FulfillmentStatus } {
  const shippable = o.items.filter((i) => !i.parent_item_id);
  const shippedAll = shippable.length > 0 && shippable.every((i) => i.qty_shipped >= i.qty_ordered - i.qty_canceled);
  const shippedAny = o.items.some((i) => i.qty_shipped > 0);
  const financial: FinancialStatus =
    o.state === "canceled" && paid === 0 ? "voided" : refunded > 0 && refunded >= paid ? "refunded" : refunded > 0 ? "partially_refunded" : paid >= total && total > 0 ? "paid" : paid > 0 ? "partially_paid" : "pending";
  const fulfillment: FulfillmentStatus = shippedAll ? "shipped" : shippedAny ? "partial" : "unfulfilled";
  switch (o.state) {
    case "canceled":
      return { status: "cancelled", financial, fulfillment };
    case "closed":
      return { status: "refunded", financial: "refunded", fulfillment };
    case "complete":
      return { status: "completed", financial, fulfillment: shippedAny ? "shipped" : fulfillment };
    case "processing":
      return { status: shippedAll ? "shipped" : shippedAny ? "packing" : paid > 0 ? "paid" : "pending", financial, fulfillment };
    default:
      return { status: "pending", financial, fulfillment };
  }
}

/** One order (GET /V1/orders/{id}, or an item of GET /V1/orders) → canonical order event, in the order currency. */
export function normalizeOrder(payload: unknown, connectionId: string, extras: OrderExtras = NO_EXTRAS, type: EventType = "order.updated"): CanonicalEvent {
  const o = parsePayload(S.Order, payload, "order");
  const cur = o.order_currency_code;
  const fold = foldItems(o.items);
  const lines = fold.lines.map(({ priced: i, sku, name }) => {
    const where = `items[${i.item_id}]`;
    const tax = money(i.tax_amount, cur, `${where}.tax_amount`);
    const discount = money(i.discount_amount, cur, `${where}.discount_amount`);
    return {
      id: i.item_id,
      sku,
      name,
      quantity: normalizeQuantity(i.qty_ordered),
      unitPrice: money(i.price, cur, `${where}.price`),
      grossAmount: money(i.row_total, cur, `${where}.row_total`),
      discounts: discount !== 0 ? [{ amount: discount }] : [],
      taxes: tax !== 0 ? [{ title: "Tax", rate: rate(i.tax_percent), amount: tax }] : [],
    };
  });
  const shippingAmount = money(o.shipping_amount, cur, "shipping_amount");
  const shippingDiscount = money(o.shipping_discount_amount, cur, "shipping_discount_amount");
  const shippingTax = money(o.shipping_tax_amount, cur, "shipping_tax_amount");
  const shipping =
    shippingAmount !== 0 || shippingDiscount !== 0
      ? [
          {
            title: o.shipping_description ?? o.extension_attributes?.shipping_assignments?.[0]?.shipping?.method ?? "Shipping",
            amount: shippingAmount,
            discounts: shippingDiscount !== 0 ? [{ amount: shippingDiscount }] : [],
            taxes: shippingTax !== 0 ? [{ title: "Shipping tax", rate: "0", amount: shippingTax }] : [],
          },
        ]
      : [];
  // Order-level discount_amount is negative in Magento (−5.00); line discounts are positive.
  const discounts = Math.abs(money(o.discount_amount, cur, "discount_amount"));
  // Hidden tax (discount tax compensation) is tax that a tax-inclusive discount removed from the subtotal.
  const tax =
    money(o.tax_amount, cur, "tax_amount") +
    money(o.discount_tax_compensation_amount, cur, "discount_tax_compensation_amount") +
    money(o.shipping_discount_tax_compensation_amount, cur, "shipping_discount_tax_compensation_amount");
  const total = money(o.grand_total, cur, "grand_total");
  const paid = money(o.total_paid, cur, "total_paid");
  const refundedTotal = money(o.total_refunded, cur, "total_refunded");
  const refunds = extras.creditmemos.filter((m) => m.order_id === o.entity_id).map((m) => normalizeCreditmemo(m, cur, fold));
  const fulfillments = extras.shipments.filter((s) => s.order_id === o.entity_id).map((s) => shipment(s, fold));
  const st = statuses(o, total, paid, Math.max(refundedTotal, sum(refunds.map((r) => r.total))));
  const address = o.extension_attributes?.shipping_assignments?.[0]?.shipping?.address;
  const customerName = [o.customer_firstname, o.customer_lastname].filter(Boolean).join(" ");
  const updatedAt = iso(o.updated_at)!;
  const amountPaid = money(o.payment?.amount_paid ?? 0, cur, "payment.amount_paid");

  const order: OrderInput = {
    source: "magento",
    connectionId,
    sourceOrderId: o.entity_id,
    orderNumber: o.increment_id,
    channel: "web",
    locationId: o.store_id ?? undefined,
    customer: o.customer_email || o.customer_id ? { id: o.customer_id ?? undefined, email: o.customer_email, name: customerName || undefined } : undefined,
    shippingAddress: address
      ? {
          name: [address.firstname, address.lastname].filter(Boolean).join(" ") || undefined,
          line1: address.street?.[0],
          line2: address.street?.[1],
          city: address.city,
          region: address.region_code ?? address.region,
          postalCode: address.postcode,
          country: address.country_id,
          phone: address.telephone,
        }
      : undefined,
    currency: cur,
    exchangeRate: o.base_to_order_rate ? normalizeQuantity(o.base_to_order_rate) : undefined,
    taxesIncluded: false,
    lines,
    shipping,
    discounts: discounts !== 0 ? [{ title: o.discount_description ?? "Discount", amount: discounts, kind: "promotion" }] : [],
    totals: { subtotal: money(o.subtotal, cur, "subtotal"), discounts, shipping: shippingAmount, tax, tip: 0, total },
    payments:
      amountPaid > 0
        ? [{ id: o.payment?.entity_id ?? `${o.entity_id}:payment`, method: o.payment?.method ?? "unknown", amount: amountPaid, kind: "sale", status: "success" }]
        : [],
    refunds,
    fulfillments,
    status: st.status,
    financialStatus: st.financial,
    fulfillmentStatus: st.fulfillment,
    cancelledAt: o.state === "canceled" ? updatedAt : undefined,
    createdAt: iso(o.created_at) ?? updatedAt,
    updatedAt,
    sourceVersion: magentoTime(o.updated_at),
    note: o.customer_note,
    tags: o.status && o.status !== o.state ? [`status:${o.status}`] : [],
  };
  const event = canonicalEvent({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`Magento order ${o.entity_id} (#${o.increment_id}): ${check.reason}`);
  }
  return event;
}

function canonicalEvent(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`Magento order normalized to an invalid canonical event: ${issues.join("; ")}`);
}
