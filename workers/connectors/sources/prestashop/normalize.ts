// PrestaShop orders (with their order_slip refunds, order_payments and order_carriers) → canonical order events.
// Amounts are 6-decimal strings ("12.500000"): read exactly; a value with more significant decimals than the currency
// has ("10.833333") cannot be booked to the cent and rejects the event to quarantine, unless the order's other price
// basis (tax-included vs tax-excluded) is exact — PrestaShop stores both, and lines are taken as the shop states them.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { exponentOf, MoneyError, sum, toMinor, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type EventType,
  type Fulfillment,
  type OrderInput,
  type Payment,
  type Refund,
} from "../../../../shared/model/order";
import { extend, normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";
import { STATE_MEANING, USUAL_STATE_IDS, type StateMeaning } from "./states";
import { fromShopTime } from "./time";

export interface ShopContext {
  connectionId: string;
  /** id_currency → ISO 4217 code (from /api/currencies or the connection config). */
  currencies: Record<string, string>;
  /** current_state id → what the state means (from /api/order_states, the config, or the usual install ids). */
  states: Record<string, StateMeaning>;
  /** The shop's time zone: PrestaShop dates carry no offset. */
  timeZone: string;
}

/** Records fetched beside the orders of a page: credit slips, payments, carriers (all optional). */
export interface OrderExtras {
  slips: S.OrderSlip[];
  payments: S.OrderPayment[];
  carriers: S.OrderCarrier[];
}

export const NO_EXTRAS: OrderExtras = { slips: [], payments: [], carriers: [] };

/** The usual install's state ids, for a context that has nothing better. */
export const USUAL_STATES: Record<string, StateMeaning> = Object.fromEntries(Object.entries(USUAL_STATE_IDS).map(([id, s]) => [id, STATE_MEANING[s]]));

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`PrestaShop ${what} does not match the webservice shape: ${issues.join("; ")}`);
}

function money(amount: string, currency: string, where: string): Minor {
  try {
    return toMinor(amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

function exact(amount: string, currency: string): boolean {
  try {
    toMinor(amount, currency);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tax inside a tax-included order whose tax-excluded side has sub-cent decimals: incl − excl computed on the
 * 6-decimal values, then rounded half up to the currency (informational: a tax-included total does not add it again).
 */
function roundedDifference(incl: string, excl: string, currency: string, where: string): Minor {
  const micro = (v: string) => {
    const m = /^(-?)(\d+)(?:\.(\d{0,6})\d*)?$/.exec(v.trim());
    if (!m) throw new NormalizeError(`${where}: "${v}" is not a decimal`);
    const n = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"));
    return m[1] === "-" ? -n : n;
  };
  const diff = micro(incl) - micro(excl);
  const unit = 10n ** BigInt(6 - exponentOf(currency));
  const q = (diff < 0n ? -diff : diff) / unit;
  const r = (diff < 0n ? -diff : diff) % unit;
  const rounded = q + (r * 2n >= unit ? 1n : 0n);
  return Number(diff < 0n ? -rounded : rounded);
}

/** A shop-local date → ISO instant; PrestaShop's "0000-00-00 00:00:00" means not set. */
function iso(value: string | undefined, ctx: ShopContext, where: string): string | undefined {
  if (!value || value.startsWith("0000-00-00")) return undefined;
  try {
    return new Date(fromShopTime(value, ctx.timeZone)).toISOString();
  } catch (err) {
    if (err instanceof NormalizeError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`PrestaShop order normalized to an invalid canonical event: ${issues.join("; ")}`);
}

function quantity(value: string, where: string): string {
  try {
    return normalizeQuantity(value);
  } catch {
    throw new NormalizeError(`${where}: "${value}" is not a quantity`);
  }
}

/**
 * One credit slip → a canonical refund, in the order's price basis: line and shipping amounts tax-included when the
 * order is read tax-included, else tax-excluded with their tax beside them; what the details do not explain of the
 * slip's totals is an adjustment.
 */
export function normalizeSlip(slip: S.OrderSlip, currency: string, ctx: ShopContext, rows: Map<string, S.OrderRow>, taxesIncluded: boolean): Refund {
  const where = `order_slip[${slip.id}]`;
  const lines = slip.associations.order_slip_details.map((d, i) => {
    const excl = money(d.amount_tax_excl, currency, `${where}.order_slip_details[${i}].amount_tax_excl`);
    const incl = money(d.amount_tax_incl, currency, `${where}.order_slip_details[${i}].amount_tax_incl`);
    const row = rows.get(d.id_order_detail);
    return {
      lineId: d.id_order_detail,
      sku: row?.product_reference || undefined,
      name: row?.product_name || undefined,
      quantity: quantity(d.product_quantity, `${where}.order_slip_details[${i}].product_quantity`),
      amount: taxesIncluded ? incl : excl,
      tax: incl - excl,
      // A credit slip is issued for a product return or a refund; PrestaShop restocks on its own setting (UNVERIFIED).
      restock: false,
    };
  });
  const productsExcl = money(slip.total_products_tax_excl, currency, `${where}.total_products_tax_excl`);
  const productsIncl = money(slip.total_products_tax_incl, currency, `${where}.total_products_tax_incl`);
  const shippingExcl = money(slip.total_shipping_tax_excl, currency, `${where}.total_shipping_tax_excl`);
  const shippingIncl = money(slip.total_shipping_tax_incl, currency, `${where}.total_shipping_tax_incl`);
  const total = productsIncl + shippingIncl;
  const tax = productsIncl - productsExcl + (shippingIncl - shippingExcl);
  const shipping = taxesIncluded ? shippingIncl : shippingExcl;
  const parts = sum(lines.map((l) => l.amount)) + shipping + (taxesIncluded ? 0 : tax);
  return {
    id: `slip-${slip.id}`,
    createdAt: iso(slip.date_add, ctx, `${where}.date_add`)!,
    lines,
    shipping,
    adjustments: total - parts,
    total,
    tax,
    payments: [],
  };
}

/**
 * One order (JSON output shape) → canonical order event. Lines, shipping, wrapping and discounts are read tax-excluded
 * when every one of them is exact in the currency, else tax-included (the order is then marked taxesIncluded).
 */
export function normalizeOrder(payload: unknown, ctx: ShopContext, extras: OrderExtras = NO_EXTRAS, type: EventType = "order.updated"): CanonicalEvent {
  const o = parsePayload(S.Order, payload, "order");
  const cur = ctx.currencies[o.id_currency];
  if (!cur) throw new NormalizeError(`PrestaShop order ${o.id}: currency id ${o.id_currency} is not one the shop lists`);
  const meaning = ctx.states[o.current_state];
  if (!meaning) throw new NormalizeError(`PrestaShop order ${o.id}: order state ${o.current_state} is unknown`);
  const rows = o.associations.order_rows;
  const side = (incl: boolean) => ({
    unit: (r: S.OrderRow) => (incl ? r.unit_price_tax_incl : r.unit_price_tax_excl),
    shipping: incl ? o.total_shipping_tax_incl : o.total_shipping_tax_excl,
    wrapping: incl ? o.total_wrapping_tax_incl : o.total_wrapping_tax_excl,
    discounts: incl ? o.total_discounts_tax_incl : o.total_discounts_tax_excl,
  });
  const excl = side(false);
  const exclExact = [...rows.map(excl.unit), excl.shipping, excl.wrapping, excl.discounts, o.total_paid_tax_excl].every((v) => exact(v, cur));
  const taxesIncluded = !exclExact;
  const basis = side(taxesIncluded);
  const total = money(o.total_paid_tax_incl, cur, "total_paid_tax_incl");
  const tax = exclExact ? total - money(o.total_paid_tax_excl, cur, "total_paid_tax_excl") : roundedDifference(o.total_paid_tax_incl, o.total_paid_tax_excl, cur, "total_paid");

  const lines = rows.map((r, i) => {
    const where = `associations.order_rows[${i}]`;
    const unitPrice = money(basis.unit(r), cur, `${where}.unit_price_tax_${taxesIncluded ? "incl" : "excl"}`);
    const qty = quantity(r.product_quantity, `${where}.product_quantity`);
    return {
      id: r.id,
      sku: r.product_reference || r.product_ean13 || undefined,
      name: r.product_name || `Product ${r.product_id ?? r.id}`,
      quantity: qty,
      unitPrice,
      grossAmount: extend(qty, unitPrice),
    };
  });
  const suffix = taxesIncluded ? "incl" : "excl";
  const shipping = [
    { id: `carrier-${o.id_carrier ?? "0"}`, title: "Shipping", amount: money(basis.shipping, cur, `total_shipping_tax_${suffix}`) },
    { id: "wrapping", title: "Gift wrapping", amount: money(basis.wrapping, cur, `total_wrapping_tax_${suffix}`) },
  ].filter((s) => s.amount !== 0);
  const discounts = money(basis.discounts, cur, `total_discounts_tax_${suffix}`);

  const rowById = new Map(rows.map((r) => [r.id, r] as const));
  const refunds = extras.slips.filter((s) => s.id_order === o.id).map((s) => normalizeSlip(s, cur, ctx, rowById, taxesIncluded));
  const refunded = sum(refunds.map((r) => r.total));
  const ownPayments = extras.payments.filter((p) => o.reference !== "" && p.order_reference === o.reference);
  const payments: Payment[] =
    ownPayments.length > 0
      ? ownPayments.map((p, i) => ({
          id: p.id,
          method: p.payment_method || o.payment || "unknown",
          gateway: o.module || undefined,
          amount: money(p.amount, cur, `order_payments[${i}].amount`),
          kind: "sale",
          status: "success",
          processedAt: iso(p.date_add, ctx, `order_payments[${i}].date_add`),
        }))
      : money(o.total_paid_real, cur, "total_paid_real") > 0
        ? [{ id: `${o.id}:paid`, method: o.payment || "unknown", gateway: o.module || undefined, amount: money(o.total_paid_real, cur, "total_paid_real"), kind: "sale", status: "success" }]
        : [];
  const carrier = extras.carriers.find((c) => c.id_order === o.id && c.tracking_number !== "");
  const fulfillments: Fulfillment[] =
    meaning.fulfillment === "shipped" || meaning.fulfillment === "delivered"
      ? [
          {
            id: `${o.id}:shipment`,
            status: meaning.fulfillment,
            carrier: o.id_carrier ? `carrier ${o.id_carrier}` : undefined,
            trackingNumber: carrier?.tracking_number || o.shipping_number || undefined,
            lines: lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
            updatedAt: iso(o.date_upd, ctx, "date_upd"),
          },
        ]
      : [];
  const financial = meaning.financial === "refunded" || (refunded > 0 && refunded >= total) ? "refunded" : refunded > 0 ? "partially_refunded" : meaning.financial;
  const updatedAt = iso(o.date_upd, ctx, "date_upd")!;

  const order: OrderInput = {
    source: "prestashop",
    connectionId: ctx.connectionId,
    sourceOrderId: o.id,
    orderNumber: o.reference || o.id,
    channel: "web",
    locationId: o.id_shop,
    customer: o.id_customer && o.id_customer !== "0" ? { id: o.id_customer } : undefined,
    currency: cur,
    exchangeRate: o.conversion_rate ? normalizeQuantity(o.conversion_rate) : undefined,
    taxesIncluded,
    lines,
    shipping,
    discounts: discounts !== 0 ? [{ title: "Cart rules", amount: discounts, kind: "promotion" }] : [],
    totals: { subtotal: sum(lines.map((l) => l.grossAmount)), discounts, shipping: sum(shipping.map((s) => s.amount)), tax, tip: 0, total },
    payments,
    refunds,
    fulfillments,
    status: meaning.status,
    financialStatus: financial,
    fulfillmentStatus: meaning.fulfillment,
    cancelledAt: meaning.status === "cancelled" ? updatedAt : undefined,
    createdAt: iso(o.date_add, ctx, "date_add") ?? updatedAt,
    updatedAt,
    sourceVersion: fromShopTime(o.date_upd, ctx.timeZone),
    note: o.note || undefined,
    tags: [],
  };
  const event = canonical({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`PrestaShop order ${o.id} (${o.reference}): ${check.reason}`);
  }
  return event;
}
