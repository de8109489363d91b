// What a merchant does to an order in the PrestaShop back office: change its state (paid, processing, shipped with a
// tracking number, delivered, canceled), and issue a credit slip (order_slip) for returned products and shipping.
import { exponentOf } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";
import { WsError, type Rec } from "./query";
import { amount, CARRIERS, currencyOf, minor, nextDateUpd, ORDERS, PAYMENTS, shopTime, SLIPS } from "./records";
import { stateById, stateBySymbol } from "./schema";

/**
 * unit × quantity rounded half up to the currency's precision (the shop rounds credit slip amounts to what it can pay
 * back), from the 6-decimal unit price it stores ("10.833333" × 1 → 10.83).
 */
function lineAmount(unit: unknown, quantity: number, currency: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(String(unit ?? "0"));
  if (!m) throw new WsError(400, 92, `"${String(unit)}" is not a price`);
  const micro = (BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"))) * BigInt(quantity);
  const unitSize = 10n ** BigInt(6 - exponentOf(currency));
  const rounded = micro / unitSize + ((micro % unitSize) * 2n >= unitSize ? 1n : 0n);
  return Number(m[1] === "-" ? -rounded : rounded);
}

function rowsOf(order: Rec): Rec[] {
  return ((order.associations as { order_rows?: Rec[] } | undefined)?.order_rows ?? []) as Rec[];
}

/** Moves an order to a state (by id, symbolic id or English name); paid states record the payment once. */
export function setState(sim: SimContext, order: Rec, body: { state?: string | number; trackingNumber?: string }): Rec {
  const state = stateById(String(body.state ?? "")) ?? stateBySymbol(String(body.state ?? ""));
  if (!state) throw new WsError(400, 90, `order state "${String(body.state)}" does not exist`);
  const now = sim.now();
  const changed: Rec = { ...order, current_state: state.id, date_upd: nextDateUpd(order.date_upd, now) };
  if (state.logable) changed.valid = "1";
  if (state.symbolic === "Canceled") changed.valid = "0";
  const cur = currencyOf(sim, order);
  if (state.paid && !sim.store.list<Rec>(PAYMENTS).some((p) => p.order_reference === order.reference)) {
    const id = String(sim.store.next("prestashop_order_payment", 301));
    sim.store.put(PAYMENTS, id, {
      id,
      order_reference: order.reference,
      id_currency: order.id_currency,
      amount: amount(minor(order.total_paid_tax_incl, cur), cur),
      payment_method: order.payment,
      conversion_rate: "1.000000",
      transaction_id: `sim-${id}`,
      date_add: shopTime(now),
    });
    changed.total_paid_real = amount(minor(order.total_paid_tax_incl, cur), cur);
  }
  if (state.shipped && body.trackingNumber) {
    changed.shipping_number = body.trackingNumber;
    const existing = sim.store.list<Rec>(CARRIERS).find((c) => String(c.id_order) === String(order.id));
    const id = existing ? String(existing.id) : String(sim.store.next("prestashop_order_carrier", 401));
    sim.store.put(CARRIERS, id, {
      id,
      id_order: order.id,
      id_carrier: order.id_carrier ?? "1",
      id_order_invoice: "0",
      weight: "0.000000",
      shipping_cost_tax_excl: order.total_shipping_tax_excl ?? "0.000000",
      shipping_cost_tax_incl: order.total_shipping_tax_incl ?? "0.000000",
      tracking_number: body.trackingNumber,
      date_add: shopTime(now),
    });
  }
  sim.store.put(ORDERS, String(order.id), changed);
  return changed;
}

/**
 * A credit slip for returned units (default: every row, all units) and optionally the shipping; when nothing is left
 * to refund the order moves to the Refunded state.
 */
export function issueSlip(sim: SimContext, order: Rec, body: { rows?: { id: string; quantity: number }[]; shipping?: boolean }): Rec {
  const cur = currencyOf(sim, order);
  const rows = rowsOf(order);
  const already = sim.store.list<Rec>(SLIPS).filter((s) => String(s.id_order) === String(order.id));
  const refundedUnits = new Map<string, number>();
  for (const s of already) for (const d of ((s.associations as { order_slip_details?: Rec[] }).order_slip_details ?? [])) refundedUnits.set(String(d.id_order_detail), (refundedUnits.get(String(d.id_order_detail)) ?? 0) + Number(d.product_quantity));
  const wanted = body.rows ?? rows.map((r) => ({ id: String(r.id), quantity: Number(r.product_quantity) - (refundedUnits.get(String(r.id)) ?? 0) })).filter((w) => w.quantity > 0);
  const slipId = String(sim.store.next("prestashop_order_slip", 201));
  const details = wanted.map((w) => {
    const row = rows.find((r) => String(r.id) === String(w.id));
    if (!row) throw new WsError(404, 87, `order ${String(order.id)} has no row ${w.id}`);
    const left = Number(row.product_quantity) - (refundedUnits.get(String(row.id)) ?? 0);
    if (!(w.quantity > 0 && w.quantity <= left)) throw new WsError(400, 91, `cannot refund ${w.quantity} of row ${w.id}: ${left} left`);
    return {
      id: String(sim.store.next("prestashop_order_slip_detail", 601)),
      id_order_detail: String(row.id),
      product_quantity: String(w.quantity),
      amount_tax_excl: amount(lineAmount(row.unit_price_tax_excl, w.quantity, cur), cur),
      amount_tax_incl: amount(lineAmount(row.unit_price_tax_incl, w.quantity, cur), cur),
    };
  });
  const sum = (k: "amount_tax_excl" | "amount_tax_incl") => details.reduce((n, d) => n + minor(d[k], cur), 0);
  const shipExcl = body.shipping ? lineAmount(order.total_shipping_tax_excl, 1, cur) : 0;
  const shipIncl = body.shipping ? lineAmount(order.total_shipping_tax_incl, 1, cur) : 0;
  const now = sim.now();
  const slip: Rec = {
    id: slipId,
    id_customer: order.id_customer ?? "0",
    id_order: String(order.id),
    conversion_rate: "1.000000",
    total_products_tax_excl: amount(sum("amount_tax_excl"), cur),
    total_products_tax_incl: amount(sum("amount_tax_incl"), cur),
    total_shipping_tax_excl: amount(shipExcl, cur),
    total_shipping_tax_incl: amount(shipIncl, cur),
    amount: amount(sum("amount_tax_incl"), cur),
    shipping_cost: body.shipping ? "1" : "0",
    shipping_cost_amount: amount(shipIncl, cur),
    partial: "0",
    date_add: shopTime(now),
    date_upd: shopTime(now),
    order_slip_type: "0",
    associations: { order_slip_details: details },
  };
  sim.store.put(SLIPS, slipId, slip);
  const everyUnit = rows.every((r) => (refundedUnits.get(String(r.id)) ?? 0) + Number(wanted.find((w) => String(w.id) === String(r.id))?.quantity ?? 0) >= Number(r.product_quantity));
  const refundState = stateBySymbol("Refund")!;
  const changed: Rec = { ...order, date_upd: nextDateUpd(order.date_upd, now), ...(everyUnit ? { current_state: refundState.id } : {}) };
  sim.store.put(ORDERS, String(order.id), changed);
  return slip;
}
