// Shopify REST payloads (Order, Refund, InventoryLevel) → canonical events, keeping every amount to the cent.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { MoneyError, sum, toMinor, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type Channel,
  type EventType,
  type FinancialStatus,
  type Fulfillment as CanonicalFulfillment,
  type FulfillmentStatus,
  type OrderInput,
  type OrderStatus,
  type Payment,
  type Refund as CanonicalRefund,
} from "../../../../shared/model/order";
import { extend, normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";

/** Parses a vendor payload with its zod schema, or throws a NormalizeError naming the first bad fields. */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Shopify ${what} payload does not match the REST 2024-04 shape: ${issues.join("; ")}`);
}

/** Decimal amount (string, or JSON number where Shopify sends one) → minor units; sub-minor noise is rejected. */
function money(amount: string | number, currency: string, where: string): Minor {
  try {
    return toMinor(amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Prefers the exact string in `*_set.shop_money` over a JSON-number twin. */
function setAmount(plain: string | number, set: z.infer<typeof S.MoneySet> | null | undefined, currency: string, where: string): Minor {
  return money(set?.shop_money.amount ?? plain, currency, where);
}

/** Tax rates arrive as JSON numbers (0.06); the canonical rate is the exact decimal string ("0.06"). */
function rate(value: number | string, where: string): string {
  try {
    return normalizeQuantity(value);
  } catch {
    throw new NormalizeError(`${where}: tax rate ${String(value)} is not a decimal`);
  }
}

function iso(value: string, where: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new NormalizeError(`${where}: "${value}" is not a timestamp`);
  return new Date(ms).toISOString();
}

function opt(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

function taxes(lines: z.infer<typeof S.TaxLine>[], currency: string, where: string) {
  return lines.map((t, i) => ({
    title: t.title,
    rate: rate(t.rate, `${where}.tax_lines[${i}].rate`),
    amount: setAmount(t.price, t.price_set, currency, `${where}.tax_lines[${i}].price`),
  }));
}

function discounts(
  allocations: z.infer<typeof S.DiscountAllocation>[],
  applications: z.infer<typeof S.DiscountApplication>[],
  currency: string,
  where: string,
) {
  return allocations.map((a, i) => {
    const app = applications[a.discount_application_index];
    return {
      amount: money(a.amount, currency, `${where}.discount_allocations[${i}].amount`),
      code: opt(app?.code),
      title: opt(app?.title ?? app?.description),
    };
  });
}

/** source_name: "pos" is a till, "web" the online store; a numeric source is a sales-channel app (marketplace). */
function channel(sourceName: string | null | undefined): Channel {
  if (sourceName === "pos") return "store";
  if (sourceName === "web") return "web";
  if (sourceName && /^\d+$/.test(sourceName)) return "marketplace";
  return "other";
}

const DISCOUNT_KIND: Record<string, "code" | "automatic" | "manual" | "promotion"> = {
  discount_code: "code",
  automatic: "automatic",
  manual: "manual",
  script: "promotion",
};

function financialStatus(value: S.Order["financial_status"]): FinancialStatus {
  if (!value) return "pending";
  // GraphQL's EXPIRED (an authorization that lapsed) is a void as far as the books are concerned.
  return value === "expired" ? "voided" : value;
}

function fulfillments(order: S.Order): CanonicalFulfillment[] {
  return order.fulfillments.map((f) => ({
    id: f.id,
    // https://shopify.dev/docs/api/admin-rest/2024-04/resources/fulfillment#resource-object (status, shipment_status)
    status:
      f.status === "cancelled" || f.status === "error" || f.status === "failure"
        ? "cancelled"
        : f.status === "pending" || f.status === "open"
          ? "packing"
          : f.shipment_status === "delivered"
            ? "delivered"
            : "shipped",
    carrier: opt(f.tracking_company),
    trackingNumber: opt(f.tracking_number),
    trackingUrl: opt(f.tracking_url),
    lines: f.line_items.map((l) => ({ lineId: l.id, quantity: String(l.quantity) })),
    updatedAt: f.updated_at ? iso(f.updated_at, `fulfillments[${f.id}].updated_at`) : undefined,
  }));
}

function fulfillmentStatus(order: S.Order, fulfilled: CanonicalFulfillment[]): FulfillmentStatus {
  switch (order.fulfillment_status ?? "unfulfilled") {
    case "fulfilled": {
      const live = fulfilled.filter((f) => f.status !== "cancelled");
      return live.length > 0 && live.every((f) => f.status === "delivered") ? "delivered" : "shipped";
    }
    case "partial":
      return "partial";
    case "restocked":
      return "returned";
    default:
      return "unfulfilled";
  }
}

function orderStatus(order: S.Order, financial: FinancialStatus, fulfillment: FulfillmentStatus): OrderStatus {
  if (order.cancelled_at) return "cancelled";
  if (financial === "refunded") return "refunded";
  if (fulfillment === "shipped" || fulfillment === "delivered") return fulfillment;
  if (fulfillment === "partial") return "packing";
  // A partial refund leaves an order that was paid for.
  if (financial === "paid" || financial === "partially_refunded") return "paid";
  return "pending";
}

/** What normalizing an order may use beyond its payload. */
export interface OrderExtras {
  /** The order's transactions (GET /orders/{id}/transactions.json): each successful sale or capture is one tender. */
  transactions?: readonly S.OrderTransaction[];
  /** SKUs sold loose by weight (ShopifyConfig.weighedSkus): their lines are stated in kilograms. */
  weighedSkus?: readonly string[];
}

/** Several distinct gateways paid the order: the split is only in its transactions. */
export function isSplitTender(order: { payment_gateway_names?: readonly string[] | null }): boolean {
  return new Set(order.payment_gateway_names ?? []).size > 1;
}

/**
 * Money taken, one payment per successful sale or capture transaction under its gateway (refund transactions belong
 * to the order's refunds, which carry them). Transactions are in the presentment currency; a split in another
 * currency than the order's is quarantined rather than mixed.
 */
function tenders(order: S.Order, transactions: readonly S.OrderTransaction[]): Payment[] {
  return transactions
    .filter((t) => (t.kind === "sale" || t.kind === "capture") && (t.status ?? "success") === "success")
    .map((t) => {
      if (t.currency && t.currency !== order.currency) throw new NormalizeError(`transactions[${t.id}] is in ${t.currency}, the order in ${order.currency}`);
      return {
        id: t.id,
        method: t.gateway ?? "unknown",
        gateway: opt(t.gateway),
        amount: money(t.amount, order.currency, `transactions[${t.id}].amount`),
        kind: t.kind === "capture" ? ("capture" as const) : ("sale" as const),
        status: "success" as const,
        processedAt: t.processed_at ? iso(t.processed_at, `transactions[${t.id}].processed_at`) : undefined,
      };
    });
}

/**
 * Order webhooks carry no transactions (they live at /orders/{id}/transactions.json), only the gateway names.
 * Given the transactions, each tender is exact. Without them a paid order records one payment of total_price under
 * its gateway; with several gateways the mesh fetches the transactions (webhook `fetchInstead`), and a payload
 * normalized on its own keeps the full list in `gateway` rather than inventing amounts.
 */
function payments(order: S.Order, total: Minor, transactions?: readonly S.OrderTransaction[]): Payment[] {
  if (transactions) return tenders(order, transactions);
  if (!["paid", "partially_refunded", "refunded"].includes(order.financial_status ?? "")) return [];
  const names = order.payment_gateway_names;
  return [
    {
      id: `${order.id}:sale`,
      method: names[0] ?? "unknown",
      gateway: names.length > 0 ? names.join(", ") : undefined,
      amount: total,
      kind: "sale",
      status: "success",
      processedAt: order.processed_at ? iso(order.processed_at, "processed_at") : undefined,
    },
  ];
}

/**
 * Shopify quantities are whole units: goods sold by weight are a variant of a fixed weight (`grams` per unit, "25 g")
 * bought in a count of units. A SKU the connection lists as weighed is stated in kilograms — quantity × grams / 1000
 * at the price per kilogram — when that price is a whole minor unit (so quantity × price is still the source's
 * amount to the cent); otherwise the line keeps Shopify's count.
 */
export function measured(quantity: number, grams: number | null | undefined, sku: string | null | undefined, unitPrice: Minor, weighed: readonly string[]): { quantity: string; unit?: string; unitPrice: Minor } {
  const count = { quantity: String(quantity), unitPrice };
  if (!sku || !grams || !weighed.includes(sku) || (unitPrice * 1000) % grams !== 0) return count;
  const total = quantity * grams;
  const kg = normalizeQuantity(`${Math.floor(total / 1000)}.${String(total % 1000).padStart(3, "0")}`);
  return { quantity: kg, unit: "kg", unitPrice: (unitPrice * 1000) / grams };
}

/** The currency a Refund is in: Refund payloads carry it only beside their amounts. */
function refundCurrency(refund: S.Refund): string | undefined {
  return (
    refund.transactions.find((t) => t.currency)?.currency ??
    refund.refund_line_items.find((l) => l.subtotal_set)?.subtotal_set?.shop_money.currency_code ??
    undefined
  );
}

const RESTOCKING = new Set(["return", "cancel", "legacy_restock"]);
const TX_STATUS: Record<string, Payment["status"]> = { success: "success", pending: "pending", failure: "failure", error: "failure" };

/**
 * One Shopify Refund → canonical Refund. total = successful refund transactions (what actually went back);
 * order_adjustments are negative when returned to the customer, so they are negated here.
 */
export function normalizeRefund(refund: S.Refund, currency: string, lines: Map<string, S.LineItem> = new Map(), weighed: readonly string[] = []): CanonicalRefund {
  const where = `refunds[${refund.id}]`;
  const refundLines = refund.refund_line_items.map((l, i) => {
    const orderLine = lines.get(l.line_item_id);
    const sku = l.line_item?.sku ?? orderLine?.sku;
    const grams = l.line_item?.grams ?? orderLine?.grams;
    // The same measure as the order line: a weighed line's refunded units are kilograms too.
    const price = orderLine?.price ?? l.line_item?.price;
    const unitPrice = price ? money(price, currency, `${where}.refund_line_items[${i}].line_item.price`) : undefined;
    return {
      lineId: l.line_item_id,
      sku: opt(sku),
      name: opt(l.line_item?.name ?? orderLine?.name ?? l.line_item?.title ?? orderLine?.title),
      quantity: unitPrice === undefined ? String(l.quantity) : measured(l.quantity, grams, sku, unitPrice, weighed).quantity,
      amount: setAmount(l.subtotal, l.subtotal_set, currency, `${where}.refund_line_items[${i}].subtotal`),
      tax: setAmount(l.total_tax, l.total_tax_set, currency, `${where}.refund_line_items[${i}].total_tax`),
      restock: l.restock_type ? RESTOCKING.has(l.restock_type) : refund.restock === true,
    };
  });
  const adj = (kind: "shipping" | "other", field: "amount" | "tax_amount") =>
    -sum(
      refund.order_adjustments
        .filter((a) => (a.kind === "shipping_refund") === (kind === "shipping"))
        .map((a, i) => money(a[field] ?? "0", currency, `${where}.order_adjustments[${i}].${field}`)),
    ) || 0;
  const refundTx = refund.transactions.filter((t) => t.kind === "refund");
  // Transactions are in the presentment currency; with Shopify Markets that can differ from the shop currency the
  // rest of the order is stated in, and no shop-money twin of the amount is sent. Quarantine rather than mix.
  const foreign = refundTx.find((t) => t.currency && t.currency !== currency);
  if (foreign) throw new NormalizeError(`${where}: refund transaction ${foreign.id} is in ${foreign.currency}, the order in ${currency}`);
  const total = sum(refundTx.filter((t) => t.status === "success").map((t) => money(t.amount, currency, `${where}.transactions[${t.id}].amount`)));
  const lineTax = sum(refundLines.map((l) => l.tax));
  // Parts of the refund, with line subtotals tax-exclusive (tax on top) or tax-inclusive (taxes_included shops).
  const net = sum(refundLines.map((l) => l.amount)) + adj("shipping", "amount") + adj("other", "amount");
  const taxes = lineTax + adj("shipping", "tax_amount") + adj("other", "tax_amount");
  // Money sent back beyond the refunded lines and adjustments (Shopify records it as a "refund discrepancy";
  // its own example refunds 41.94 against a 0.00 line) is kept as an explicit adjustment, never dropped.
  // https://shopify.dev/docs/api/admin-rest/2024-04/resources/refund#resource-object (order_adjustments.kind)
  const accounted = total === net + taxes || total === net;
  const discrepancy = refundTx.length > 0 && !accounted ? total - (net + taxes) : 0;
  const out: CanonicalRefund = {
    id: refund.id,
    createdAt: iso(refund.created_at, `${where}.created_at`),
    reason: opt(refund.note),
    lines: refundLines,
    shipping: adj("shipping", "amount"),
    adjustments: adj("other", "amount") + discrepancy,
    total,
    tax: lineTax + adj("shipping", "tax_amount") + adj("other", "tax_amount"),
    payments: refundTx.map((t) => ({
      id: t.id,
      method: t.gateway ?? "unknown",
      gateway: opt(t.gateway),
      amount: money(t.amount, currency, `${where}.transactions[${t.id}].amount`),
      kind: "refund" as const,
      status: TX_STATUS[t.status ?? "success"] ?? "pending",
      processedAt: t.processed_at ? iso(t.processed_at, `${where}.transactions[${t.id}].processed_at`) : undefined,
    })),
  };
  return out;
}

/** REST Order JSON → canonical Order event; throws NormalizeError when a cent of total_price is unaccounted for. */
export function normalizeOrder(payload: unknown, type: EventType, connectionId: string, extras: OrderExtras = {}): CanonicalEvent {
  const o = parsePayload(S.Order, payload, "Order");
  const weighed = extras.weighedSkus ?? [];
  const cur = o.currency;
  const apps = o.discount_applications;
  const lineById = new Map(o.line_items.map((l) => [l.id, l] as const));

  const lines = o.line_items.map((l, i) => {
    const where = `line_items[${i}]`;
    const price = money(l.price, cur, `${where}.price`);
    const { quantity, unit, unitPrice } = measured(l.quantity, l.grams, l.sku, price, weighed);
    return {
      id: l.id,
      sku: opt(l.sku),
      name: opt(l.name) ?? l.title,
      quantity,
      unit,
      unitPrice,
      grossAmount: extend(String(l.quantity), price),
      discounts: discounts(l.discount_allocations, apps, cur, where),
      taxes: taxes(l.tax_lines, cur, where),
      giftCard: l.gift_card ?? false,
      taxable: l.taxable ?? true,
    };
  });
  const shipping = o.shipping_lines.map((s, i) => ({
    id: s.id ?? undefined,
    title: s.title,
    amount: money(s.price, cur, `shipping_lines[${i}].price`),
    discounts: discounts(s.discount_allocations, apps, cur, `shipping_lines[${i}]`),
    taxes: taxes(s.tax_lines, cur, `shipping_lines[${i}]`),
  }));

  // Order-level discounts: one per discount application, its amount the sum of its allocations; without
  // applications (older payloads) the discount codes are all there is.
  const allocations = [...o.line_items.flatMap((l) => l.discount_allocations), ...o.shipping_lines.flatMap((s) => s.discount_allocations)];
  const orderDiscounts =
    apps.length > 0
      ? apps.map((a, idx) => ({
          code: opt(a.code),
          title: opt(a.title ?? a.description),
          kind: DISCOUNT_KIND[a.type] ?? ("manual" as const),
          amount: sum(allocations.filter((x) => x.discount_application_index === idx).map((x) => money(x.amount, cur, `discount_applications[${idx}]`))),
        }))
      : o.discount_codes.map((d, i) => ({ code: d.code, amount: money(d.amount, cur, `discount_codes[${i}].amount`), kind: "code" as const }));

  const total = money(o.total_price, cur, "total_price");
  const fulfilled = fulfillments(o);
  const financial = financialStatus(o.financial_status);
  const fulfillment = fulfillmentStatus(o, fulfilled);
  const customerName = [o.customer?.first_name, o.customer?.last_name].filter(Boolean).join(" ");
  const ship = o.shipping_address;
  const shipName = opt(ship?.name) ?? ([ship?.first_name, ship?.last_name].filter(Boolean).join(" ") || undefined);

  const order: OrderInput = {
    source: "shopify",
    connectionId,
    sourceOrderId: o.id,
    orderNumber: o.name,
    channel: channel(o.source_name),
    locationId: o.location_id ?? undefined,
    customer:
      o.customer || o.email
        ? {
            id: o.customer?.id ?? undefined,
            email: opt(o.customer?.email ?? o.email),
            name: customerName || undefined,
            phone: opt(o.customer?.phone ?? o.phone),
          }
        : undefined,
    shippingAddress: ship
      ? {
          name: shipName,
          line1: opt(ship.address1),
          line2: opt(ship.address2),
          city: opt(ship.city),
          region: opt(ship.province_code ?? ship.province),
          postalCode: opt(ship.zip),
          country: opt(ship.country_code ?? ship.country),
          phone: opt(ship.phone),
        }
      : undefined,
    currency: cur,
    taxesIncluded: o.taxes_included,
    lines,
    shipping,
    discounts: orderDiscounts,
    totals: {
      subtotal: money(o.subtotal_price, cur, "subtotal_price"),
      discounts: money(o.total_discounts, cur, "total_discounts"),
      shipping: o.total_shipping_price_set
        ? money(o.total_shipping_price_set.shop_money.amount, cur, "total_shipping_price_set")
        : sum(shipping.map((s) => s.amount)),
      tax: money(o.total_tax, cur, "total_tax"),
      tip: money(o.total_tip_received ?? "0", cur, "total_tip_received"),
      total,
    },
    payments: payments(o, total, extras.transactions),
    refunds: o.refunds.map((r) => normalizeRefund(r, cur, lineById, weighed)),
    fulfillments: fulfilled,
    status: orderStatus(o, financial, fulfillment),
    financialStatus: financial,
    fulfillmentStatus: fulfillment,
    cancelledAt: o.cancelled_at ? iso(o.cancelled_at, "cancelled_at") : undefined,
    cancelReason: opt(o.cancel_reason),
    createdAt: iso(o.created_at, "created_at"),
    updatedAt: iso(o.updated_at, "updated_at"),
    sourceVersion: Date.parse(o.updated_at),
    note: opt(o.note),
    tags: (o.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean),
  };

  const event = canonical({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`Shopify order ${o.id} (${o.name}): ${check.reason}`);
  }
  return event;
}

/** refunds/create body (a Refund) → canonical refund event. */
export function normalizeRefundEvent(payload: unknown, weighedSkus: readonly string[] = []): CanonicalEvent {
  const r = parsePayload(S.Refund, payload, "Refund");
  const currency = refundCurrency(r);
  if (!currency) {
    const carriesMoney = r.refund_line_items.length > 0 || r.transactions.length > 0 || r.order_adjustments.length > 0;
    if (carriesMoney) throw new NormalizeError(`Shopify refund ${r.id} carries amounts but no currency`);
  }
  // A refund with no amounts at all has nothing a currency could change; USD only fixes the parsing exponent.
  return canonical({ kind: "refund", type: "refund.created", refund: normalizeRefund(r, currency ?? "USD", new Map(), weighedSkus), sourceOrderId: r.order_id });
}

/**
 * inventory_levels/update body → canonical stock event. The payload names no SKU, only the inventory item, so the
 * inventory_item_id stands in as the sku key (a destination resolves it through the variant's inventory item).
 * Untracked inventory (available: null) has no level to report and yields no event.
 */
export function normalizeStock(payload: unknown): CanonicalEvent[] {
  const level = parsePayload(S.InventoryLevel, payload, "InventoryLevel");
  if (level.available === null) return [];
  return [
    canonical({
      kind: "stock",
      type: "stock.changed",
      stock: {
        sku: level.inventory_item_id,
        locationId: level.location_id,
        available: String(level.available),
        updatedAt: iso(level.updated_at, "updated_at"),
      },
    }),
  ];
}

/** Runs the canonical schema over what we built (defaults applied); a mismatch is our bug, reported as such. */
function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`Shopify payload normalized to an invalid canonical event: ${issues.join("; ")}`);
}

