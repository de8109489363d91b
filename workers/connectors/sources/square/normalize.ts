// Square Orders (sales, return orders, exchanges) and inventory counts → canonical events, keeping every minor unit.
// Order object: https://developer.squareup.com/reference/square/objects/Order
// Returns and refunds live on a separate return order: https://developer.squareup.com/docs/orders-api/order-returns-exchanges
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { sum, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type Channel,
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
import { API_VERSION } from "./http";
import * as S from "./schemas";

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Square ${what} does not match the Square-Version ${API_VERSION} shape: ${issues.join("; ")}`);
}

function iso(value: string, where: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new NormalizeError(`${where}: "${value}" is not an RFC 3339 timestamp`);
  return new Date(ms).toISOString();
}

function opt(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

function quantity(value: string, where: string): string {
  try {
    return normalizeQuantity(value);
  } catch {
    throw new NormalizeError(`${where}: quantity "${value}" is not a decimal`);
  }
}

/** Square's "7.25" (percent) as the canonical fraction "0.0725", digit for digit. */
export function percentToRate(percent: string | null | undefined, where: string): string {
  if (!percent) return "0";
  const m = /^(\d*)(?:\.(\d*))?$/.exec(percent.trim());
  if (!m || (m[1] === "" && !m[2])) throw new NormalizeError(`${where}: percentage "${percent}" is not a decimal`);
  const digits = (m[1] || "0") + (m[2] ?? "");
  const scale = (m[2] ?? "").length + 2;
  const padded = digits.padStart(scale + 1, "0");
  return normalizeQuantity(`${padded.slice(0, -scale)}.${padded.slice(-scale)}`);
}

/** A Money in the order's currency as minor units (absent = 0); another currency is a payload we cannot add up. */
function amountOf(m: S.Money | null | undefined, currency: string, where: string): Minor {
  if (!m) return 0;
  if (m.currency !== currency) throw new NormalizeError(`${where}: ${m.currency} amount on a ${currency} order`);
  return m.amount;
}

function unitName(u: z.infer<typeof S.QuantityUnit> | null | undefined): string | undefined {
  const mu = u?.measurement_unit;
  if (!mu) return undefined;
  return opt(mu.custom_unit?.abbreviation ?? mu.custom_unit?.name) ?? opt(mu.weight_unit ?? mu.volume_unit ?? mu.length_unit ?? mu.area_unit ?? mu.time_unit ?? mu.generic_unit);
}

const DISCOUNT_KIND = (d: z.infer<typeof S.Discount>): "automatic" | "manual" | "loyalty" =>
  d.reward_ids.length > 0 ? "loyalty" : d.pricing_rule_id ? "automatic" : "manual";

/**
 * Whether the order's prices include tax. Square marks each tax ADDITIVE or INCLUSIVE; an order mixing both cannot be
 * stated with one canonical flag, so it is rejected rather than mis-stated.
 */
function taxesIncluded(order: S.Order): boolean {
  const charged = order.taxes.filter((t) => (t.applied_money?.amount ?? 0) !== 0);
  const considered = charged.length > 0 ? charged : order.taxes;
  const inclusive = considered.some((t) => t.type === "INCLUSIVE");
  const additive = considered.some((t) => t.type !== "INCLUSIVE");
  if (inclusive && additive) throw new NormalizeError(`Square order ${order.id} mixes INCLUSIVE and ADDITIVE taxes; OrderMesh cannot state it with one tax-inclusive flag`);
  return inclusive;
}

function lines(order: S.Order, currency: string) {
  const taxByUid = new Map(order.taxes.map((t) => [t.uid ?? "", t]));
  const discountByUid = new Map(order.discounts.map((d) => [d.uid ?? "", d]));
  return order.line_items.map((li, i) => {
    const where = `line_items[${i}]`;
    const qty = quantity(li.quantity, `${where}.quantity`);
    const base = amountOf(li.base_price_money, currency, `${where}.base_price_money`);
    // Modifiers add to each unit: base_price × modifier quantity (https://developer.squareup.com/reference/square/objects/OrderLineItemModifier).
    const perUnitModifiers = sum(li.modifiers.map((m, k) => extend(quantity(m.quantity ?? "1", `${where}.modifiers[${k}].quantity`), amountOf(m.base_price_money, currency, `${where}.modifiers[${k}]`))));
    const unitPrice = base + perUnitModifiers;
    const gross = li.gross_sales_money
      ? amountOf(li.gross_sales_money, currency, `${where}.gross_sales_money`)
      : li.variation_total_price_money
        ? amountOf(li.variation_total_price_money, currency, `${where}.variation_total_price_money`) + sum(li.modifiers.map((m) => amountOf(m.total_price_money, currency, `${where}.modifiers`)))
        : extend(qty, unitPrice);
    const name = opt(li.name) ?? (li.item_type === "CUSTOM_AMOUNT" ? "Custom amount" : li.item_type === "GIFT_CARD" ? "Gift card" : "Item");
    return {
      id: li.uid ?? `line-${i}`,
      // Orders carry no SKU; the item variation id stands for it (the SKU lives on the CatalogItemVariation).
      sku: opt(li.catalog_object_id),
      name: li.variation_name ? `${name} (${li.variation_name})` : name,
      quantity: qty,
      unit: unitName(li.quantity_unit),
      unitPrice,
      grossAmount: gross,
      discounts: li.applied_discounts.map((a, k) => {
        const d = discountByUid.get(a.discount_uid);
        return { amount: amountOf(a.applied_money, currency, `${where}.applied_discounts[${k}]`), title: opt(d?.name) };
      }),
      taxes: li.applied_taxes.map((a, k) => {
        const t = taxByUid.get(a.tax_uid);
        return {
          code: opt(t?.catalog_object_id),
          title: opt(t?.name) ?? "Tax",
          rate: percentToRate(t?.percentage, `taxes[${a.tax_uid}].percentage`),
          amount: amountOf(a.applied_money, currency, `${where}.applied_taxes[${k}]`),
        };
      }),
      giftCard: li.item_type === "GIFT_CARD",
      taxable: li.applied_taxes.length > 0,
    };
  });
}

/** Service charges and a cash rounding adjustment are charges on top of the lines; the canonical model has one list for those. */
function charges(order: S.Order, currency: string) {
  const taxByUid = new Map(order.taxes.map((t) => [t.uid ?? "", t]));
  const out = order.service_charges.map((sc, i) => ({
    id: opt(sc.uid),
    title: opt(sc.name) ?? "Service charge",
    amount: amountOf(sc.applied_money ?? sc.amount_money, currency, `service_charges[${i}].applied_money`),
    taxes: sc.applied_taxes.map((a, k) => {
      const t = taxByUid.get(a.tax_uid);
      return {
        title: opt(t?.name) ?? "Tax",
        rate: percentToRate(t?.percentage, `taxes[${a.tax_uid}].percentage`),
        amount: amountOf(a.applied_money, currency, `service_charges[${i}].applied_taxes[${k}]`),
      };
    }),
  }));
  const rounding = order.rounding_adjustment;
  if (rounding?.amount_money && rounding.amount_money.amount !== 0) {
    out.push({ id: opt(rounding.uid), title: opt(rounding.name) ?? "Rounding adjustment", amount: amountOf(rounding.amount_money, currency, "rounding_adjustment"), taxes: [] });
  }
  return out;
}

/** Tenders are the order's payments; split tender at the till is one tender each (amount includes the tip). */
function payments(order: S.Order, currency: string): Payment[] {
  return order.tenders
    .filter((t) => t.type !== "NO_SALE")
    .map((t, i) => {
      const card = t.card_details?.status;
      const kind: Payment["kind"] = card === "AUTHORIZED" ? "authorization" : card === "VOIDED" ? "void" : "sale";
      return {
        id: t.id ?? t.payment_id ?? `tender-${i}`,
        method: t.type.toLowerCase(),
        gateway: t.type === "CARD" ? opt(t.card_details?.card?.card_brand) ?? "square" : "square",
        amount: amountOf(t.amount_money, currency, `tenders[${i}].amount_money`),
        kind,
        status: card === "FAILED" ? "failure" : "success",
        processedAt: t.created_at ? iso(t.created_at, `tenders[${i}].created_at`) : undefined,
      } satisfies Payment;
    });
}

/** Refunds recorded on the order itself (no returns[]): settled ones only; a PENDING refund comes back when approved. */
function ownRefunds(order: S.Order, currency: string): CanonicalRefund[] {
  if (order.returns.length > 0) return [];
  return order.refunds
    .filter((r) => r.status === "APPROVED")
    .map((r) => ({
      id: r.id,
      createdAt: iso(r.created_at ?? order.updated_at, `refunds[${r.id}].created_at`),
      reason: opt(r.reason),
      lines: [],
      shipping: 0,
      adjustments: amountOf(r.amount_money, currency, `refunds[${r.id}].amount_money`),
      total: amountOf(r.amount_money, currency, `refunds[${r.id}].amount_money`),
      tax: 0,
      payments: [{ id: r.id, method: "refund", gateway: "square", amount: r.amount_money.amount, kind: "refund" as const, status: "success" as const }],
    }));
}

function fulfillmentState(f: S.Fulfillment): CanonicalFulfillment["status"] | null {
  switch (f.state) {
    case "RESERVED":
    case "PREPARED":
      return "packing";
    case "COMPLETED":
      return f.type === "SHIPMENT" ? "shipped" : "delivered";
    case "CANCELED":
    case "FAILED":
      return "cancelled";
    default:
      // PROPOSED: nothing has been done yet.
      return null;
  }
}

function fulfillments(order: S.Order): CanonicalFulfillment[] {
  const out: CanonicalFulfillment[] = [];
  order.fulfillments.forEach((f, i) => {
    const status = fulfillmentState(f);
    if (!status) return;
    const ship = f.shipment_details;
    const at = ship?.shipped_at ?? f.pickup_details?.picked_up_at ?? f.delivery_details?.delivered_at ?? ship?.canceled_at;
    out.push({
      id: f.uid ?? `fulfillment-${i}`,
      status,
      carrier: opt(ship?.carrier ?? f.delivery_details?.courier_provider_name),
      trackingNumber: opt(ship?.tracking_number),
      trackingUrl: opt(ship?.tracking_url),
      lines: f.entries.map((e, k) => ({ lineId: e.line_item_uid, quantity: quantity(e.quantity, `fulfillments[${i}].entries[${k}].quantity`) })),
      updatedAt: at ? iso(at, `fulfillments[${i}]`) : undefined,
    });
  });
  return out;
}

function fulfillmentStatus(done: CanonicalFulfillment[]): FulfillmentStatus {
  const live = done.filter((f) => f.status !== "cancelled");
  if (live.length === 0) return "unfulfilled";
  const out = live.filter((f) => f.status === "shipped" || f.status === "delivered");
  if (out.length === live.length) return out.every((f) => f.status === "delivered") ? "delivered" : "shipped";
  return out.length > 0 ? "partial" : "packing";
}

function financialStatus(order: S.Order, paid: Payment[], refunds: CanonicalRefund[], total: Minor): FinancialStatus {
  const taken = sum(paid.filter((p) => p.status === "success" && p.kind === "sale").map((p) => p.amount));
  const authorized = sum(paid.filter((p) => p.status === "success" && p.kind === "authorization").map((p) => p.amount));
  const refunded = sum(refunds.map((r) => r.total));
  if (refunded > 0) return refunded >= total ? "refunded" : "partially_refunded";
  if (order.state === "CANCELED" && taken === 0) return "voided";
  if (total === 0) return order.state === "COMPLETED" ? "paid" : "pending";
  if (taken >= total) return "paid";
  if (taken > 0) return "partially_paid";
  return authorized > 0 ? "authorized" : "pending";
}

function orderStatus(order: S.Order, financial: FinancialStatus, fulfillment: FulfillmentStatus): OrderStatus {
  if (order.state === "CANCELED") return "cancelled";
  if (financial === "refunded") return "refunded";
  if (fulfillment === "delivered" || fulfillment === "shipped") return fulfillment;
  if (fulfillment === "partial" || fulfillment === "packing") return "packing";
  if (order.state === "COMPLETED") return "completed";
  return financial === "paid" || financial === "partially_refunded" ? "paid" : "pending";
}

/** Square Online and shipped or delivered orders are web orders; everything else was rung up at a Square till. */
function channel(order: S.Order): Channel {
  if (/online/i.test(order.source?.name ?? "")) return "web";
  return order.fulfillments.some((f) => f.type === "SHIPMENT" || f.type === "DELIVERY") ? "web" : "store";
}

function recipient(order: S.Order) {
  for (const f of order.fulfillments) {
    const r = f.shipment_details?.recipient ?? f.delivery_details?.recipient ?? f.pickup_details?.recipient;
    if (r) return r;
  }
  return undefined;
}

function saleOrder(order: S.Order, connectionId: string): CanonicalEvent {
  const currency = order.total_money.currency;
  const orderLines = lines(order, currency);
  const shipping = charges(order, currency);
  const paid = payments(order, currency);
  const refunds = ownRefunds(order, currency);
  const total = amountOf(order.total_money, currency, "total_money");
  const done = fulfillments(order);
  const fulfillment = fulfillmentStatus(done);
  const financial = financialStatus(order, paid, refunds, total);
  const who = recipient(order);
  const address = who?.address;
  const customer = order.customer_id || who ? { id: opt(order.customer_id ?? who?.customer_id), name: opt(who?.display_name), email: opt(who?.email_address), phone: opt(who?.phone_number) } : undefined;
  const draft: OrderInput = {
    source: "square",
    connectionId,
    sourceOrderId: order.id,
    orderNumber: opt(order.reference_id) ?? order.id,
    channel: channel(order),
    locationId: order.location_id,
    customer,
    shippingAddress: address
      ? {
          name: opt(who?.display_name) ?? (opt([address.first_name, address.last_name].filter(Boolean).join(" ")) || undefined),
          line1: opt(address.address_line_1),
          line2: opt(address.address_line_2),
          city: opt(address.locality),
          region: opt(address.administrative_district_level_1),
          postalCode: opt(address.postal_code),
          country: opt(address.country),
          phone: opt(who?.phone_number),
        }
      : undefined,
    currency,
    taxesIncluded: taxesIncluded(order),
    lines: orderLines,
    shipping,
    discounts: order.discounts.map((d, i) => ({
      title: opt(d.name),
      amount: amountOf(d.applied_money, currency, `discounts[${i}].applied_money`),
      kind: DISCOUNT_KIND(d),
    })),
    totals: {
      subtotal: sum(orderLines.map((l) => l.grossAmount - sum(l.discounts.map((d) => d.amount)))),
      discounts: order.total_discount_money ? amountOf(order.total_discount_money, currency, "total_discount_money") : sum(orderLines.flatMap((l) => l.discounts.map((d) => d.amount))),
      shipping: sum(shipping.map((s) => s.amount)),
      tax: amountOf(order.total_tax_money, currency, "total_tax_money"),
      // UNVERIFIED: total_money includes the tip (tenders carry it inside amount_money); the totals check below proves it per order.
      tip: amountOf(order.total_tip_money, currency, "total_tip_money"),
      total,
    },
    payments: paid,
    refunds,
    fulfillments: done,
    status: orderStatus(order, financial, fulfillment),
    financialStatus: financial,
    fulfillmentStatus: fulfillment,
    cancelledAt: order.state === "CANCELED" ? iso(order.closed_at ?? order.updated_at, "closed_at") : undefined,
    createdAt: iso(order.created_at, "created_at"),
    updatedAt: iso(order.updated_at, "updated_at"),
    // Square's `version` exists only for orders created through the Orders API; updated_at orders every order.
    sourceVersion: Date.parse(order.updated_at),
    note: opt(order.ticket_name),
    tags: order.source?.name ? [order.source.name] : [],
  };
  const event = canonical({ kind: "order", type: "order.updated", order: draft });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`Square order ${order.id}: ${check.reason}`);
  }
  return event;
}

/**
 * A return order's returns[], one canonical refund per sale order they come from. The refund's total is the value
 * Square says was returned (return_amounts.total_money); its lines, returned service charges and tax are Square's own
 * figures and `adjustments` states what the itemized parts leave over (returned tips, rounding).
 * Emitted only once the return order's refunds are settled: while one is PENDING the amounts may still change, and a
 * return whose refunds were all rejected or failed gave nothing back.
 */
function returnRefunds(order: S.Order): CanonicalEvent[] {
  if (order.returns.length === 0) return [];
  if (order.refunds.some((r) => r.status === "PENDING")) return [];
  const approved = order.refunds.filter((r) => r.status === "APPROVED");
  if (order.refunds.length > 0 && approved.length === 0) return [];
  const currency = order.total_money.currency;
  const bySource = new Map<string, S.Return[]>();
  for (const r of order.returns) {
    if (!r.source_order_id) continue; // an unlinked return names no sale to credit
    bySource.set(r.source_order_id, [...(bySource.get(r.source_order_id) ?? []), r]);
  }
  const events: CanonicalEvent[] = [];
  for (const [sourceOrderId, returns] of bySource) {
    const inclusive = returns.some((r) => r.return_taxes.some((t) => t.type === "INCLUSIVE"));
    const refundLines = returns.flatMap((r, ri) =>
      r.return_line_items.map((l, i) => {
        const where = `returns[${ri}].return_line_items[${i}]`;
        const qty = quantity(l.quantity, `${where}.quantity`);
        const gross = l.gross_return_money ? amountOf(l.gross_return_money, currency, `${where}.gross_return_money`) : extend(qty, amountOf(l.base_price_money, currency, `${where}.base_price_money`));
        return {
          lineId: opt(l.source_line_item_uid) ?? l.uid ?? `${order.id}-return-${ri}-${i}`,
          sku: opt(l.catalog_object_id),
          name: opt(l.name),
          quantity: qty,
          amount: gross - amountOf(l.total_discount_money, currency, `${where}.total_discount_money`),
          tax: amountOf(l.total_tax_money, currency, `${where}.total_tax_money`),
          restock: false,
        };
      }),
    );
    const shipping = sum(returns.flatMap((r) => r.return_service_charges.map((sc, i) => amountOf(sc.applied_money ?? sc.total_money, currency, `return_service_charges[${i}]`))));
    const tax = sum(returns.map((r, i) => (r.return_amounts?.tax_money ? amountOf(r.return_amounts.tax_money, currency, `returns[${i}].return_amounts.tax_money`) : sum(refundLines.map((l) => l.tax)))));
    const total = sum(
      returns.map((r, i) =>
        r.return_amounts?.total_money
          ? amountOf(r.return_amounts.total_money, currency, `returns[${i}].return_amounts.total_money`)
          : sum(r.return_line_items.map((l, k) => amountOf(l.total_money, currency, `returns[${i}].return_line_items[${k}].total_money`))),
      ),
    );
    const itemized = sum(refundLines.map((l) => l.amount)) + shipping + (inclusive ? 0 : tax);
    const single = bySource.size === 1;
    const refund: CanonicalRefund = {
      id: single ? order.id : `${order.id}:${sourceOrderId}`,
      createdAt: iso(order.created_at, "created_at"),
      reason: opt(approved[0]?.reason),
      lines: refundLines,
      shipping,
      adjustments: total - itemized,
      total,
      tax,
      payments: single
        ? approved.map((r) => ({
            id: r.id,
            method: "refund",
            gateway: "square",
            amount: amountOf(r.amount_money, currency, `refunds[${r.id}].amount_money`),
            kind: "refund" as const,
            status: "success" as const,
            processedAt: r.created_at ? iso(r.created_at, `refunds[${r.id}].created_at`) : undefined,
          }))
        : [],
    };
    events.push(canonical({ kind: "refund", type: "refund.created", refund, sourceOrderId }));
  }
  return events;
}

/**
 * One Square Order → its canonical events: the sale (unless it is a pure return order) and a refund for each sale
 * order its returns[] credit. An exchange yields both.
 */
export function normalizeOrder(payload: unknown, connectionId: string): CanonicalEvent[] {
  const order = parsePayload(S.Order, payload, "Order");
  const events = returnRefunds(order);
  const isPureReturn = order.returns.length > 0 && order.line_items.length === 0;
  if (!isPureReturn) events.unshift(saleOrder(order, connectionId));
  return events;
}

/** inventory.count.updated → one stock level per IN_STOCK count (other states are not stock for sale). */
export function normalizeStock(payload: unknown): CanonicalEvent[] {
  const event = parsePayload(S.InventoryCountUpdated, payload, "inventory.count.updated");
  return event.data.object.inventory_counts
    .map((c, i) => parsePayload(S.InventoryCount, c, `inventory_counts[${i}]`))
    .filter((c) => c.state === "IN_STOCK")
    .map((c, i) =>
      canonical({
        kind: "stock",
        type: "stock.changed",
        stock: {
          sku: c.catalog_object_id,
          locationId: c.location_id,
          available: quantity(c.quantity, `inventory_counts[${i}].quantity`),
          updatedAt: iso(c.calculated_at, `inventory_counts[${i}].calculated_at`),
        },
      }),
    );
}

function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`Square payload normalized to an invalid canonical event: ${issues.join("; ")}`);
}
