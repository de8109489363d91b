// PrestaShop: the default order states as the install defines them, both output formats giving one order, the price
// basis chosen by exactness, sub-cent amounts refused, credit slips as refunds.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { toMinor } from "../../shared/model/money";
import { normalizeOrder, normalizeSlip, USUAL_STATES } from "../../workers/connectors/sources/prestashop/normalize";
import * as S from "../../workers/connectors/sources/prestashop/schemas";
import { DEFAULT_STATES, identify, STATE_MEANING, SYMBOLIC_STATES } from "../../workers/connectors/sources/prestashop/states";
import { xmlList, xmlOne } from "../../workers/connectors/sources/prestashop/xml";
import { FIXTURE_CURRENCIES, installOrderStates, orderXml, PRESTASHOP_ORDERS } from "../helpers/specs-prestashop";

type Json = Record<string, unknown>;
const ctx = { connectionId: "c1", currencies: FIXTURE_CURRENCIES, states: USUAL_STATES, timeZone: "Europe/Paris" };
const xml = (i: number) => orderXml(PRESTASHOP_ORDERS[i]!.fields, PRESTASHOP_ORDERS[i]!.rows);

function order(payload: unknown, extras?: Parameters<typeof normalizeOrder>[2]) {
  const e = normalizeOrder(payload, ctx, extras);
  if (e.kind !== "order") throw new Error("expected an order event");
  return e.order;
}

describe("PrestaShop order states", () => {
  it("knows exactly the default states of install-dev/langs/en/data/order_state.xml, by name and template", () => {
    const install = installOrderStates();
    expect(install.map((s) => s.id)).toEqual([...SYMBOLIC_STATES]);
    for (const s of install) expect(DEFAULT_STATES[s.id as keyof typeof DEFAULT_STATES]).toEqual({ name: s.name, template: s.template });
  });

  it("recognises a translated install's states by template and paid flag, and reads a shop's own state by its flags", () => {
    const fr = (name: string, template: string, paid: boolean, shipped = false, delivery = false) => identify({ name, template, paid, shipped, delivery });
    expect(fr("Paiement accepté", "payment", true)).toBe("Payment_accepted");
    expect(fr("En attente de réapprovisionnement (non payé)", "outofstock", false)).toBe("On_backorder_unpaid");
    expect(fr("En cours de livraison", "shipped", true, true)).toBe("Shipped");
    expect(fr("Livré", "", true, true, true)).toBe("Delivered");
    expect(fr("Prêt pour retrait en boutique", "", true, false, false)).toBeUndefined();
    for (const sym of SYMBOLIC_STATES) expect(STATE_MEANING[sym]).toBeDefined();
  });
});

describe("PrestaShop order normalization", () => {
  it("gives the same order from the XML and the JSON output formats", () => {
    const fromXml = xmlOne(xml(0), "order") as Json;
    // The JSON output: the same values, ids as numbers, associations as arrays.
    const asJson = JSON.parse(JSON.stringify({ ...fromXml, id: Number(fromXml.id) }));
    expect(order(asJson)).toEqual(order(fromXml));
    const list = `<?xml version="1.0" encoding="UTF-8"?><prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><orders>${/<order>[\s\S]*<\/order>/.exec(xml(0))![0]}</orders></prestashop>`;
    expect(xmlList(list, "orders", "order")).toEqual([fromXml]);
    expect(S.jsonList([], "orders")).toEqual([]);
  });

  it("reads lines tax-excluded when that side is exact, tax-included when only that side is", () => {
    const excl = order(xmlOne(xml(0), "order"));
    expect(excl.taxesIncluded).toBe(false);
    expect(excl.lines.map((l) => l.unitPrice)).toEqual(PRESTASHOP_ORDERS[0]!.rows.map((r) => toMinor(r.unit_price_tax_excl!, "EUR")));
    const incl = order(xmlOne(xml(1), "order"));
    expect(incl.taxesIncluded).toBe(true);
    expect(incl.lines.map((l) => l.unitPrice)).toEqual(PRESTASHOP_ORDERS[1]!.rows.map((r) => toMinor(r.unit_price_tax_incl!, "USD")));
    expect(incl.totals.total).toBe(toMinor(PRESTASHOP_ORDERS[1]!.fields.total_paid_tax_incl!, "USD"));
    const jpy = order(xmlOne(xml(3), "order"));
    expect(jpy.currency).toBe("JPY");
    expect(jpy.totals.total).toBe(4400);
  });

  it("refuses an order whose amounts have more significant decimals than the currency on both price bases", () => {
    const f = PRESTASHOP_ORDERS[0]!;
    const row = { ...f.rows[0]!, unit_price_tax_excl: "10.005000", unit_price_tax_incl: "12.006000" };
    expect(() => normalizeOrder(xmlOne(orderXml(f.fields, [row, f.rows[1]!]), "order"), ctx)).toThrow(NormalizeError);
  });

  it("refuses an order in a currency the shop does not list", () => {
    const f = PRESTASHOP_ORDERS[0]!;
    expect(() => normalizeOrder(xmlOne(orderXml({ ...f.fields, id_currency: "9" }, f.rows), "order"), ctx)).toThrow(/currency id 9/);
  });

  it("attaches credit slips as refunds in the order's price basis, their totals kept", () => {
    const payload = xmlOne(xml(1), "order") as Json;
    const slip = S.OrderSlip.parse({
      id: 7,
      id_order: "12",
      total_products_tax_excl: "10.830000",
      total_products_tax_incl: "13.000000",
      total_shipping_tax_excl: "4.160000",
      total_shipping_tax_incl: "4.990000",
      date_add: "2024-03-08 10:00:00",
      associations: { order_slip_details: [{ id: "1", id_order_detail: "23", product_quantity: "1", amount_tax_excl: "10.830000", amount_tax_incl: "13.000000" }] },
    });
    const n = order(payload, { slips: [slip], payments: [], carriers: [] });
    const refund = n.refunds[0]!;
    expect(refund.total).toBe(1300 + 499);
    expect(refund.lines[0]).toMatchObject({ lineId: "23", amount: 1300, tax: 217 });
    expect(refund.shipping + refund.lines[0]!.amount + refund.adjustments).toBe(refund.total);
    expect(n.financialStatus).toBe("partially_refunded");
    // The same slip against a tax-excluded order: net amounts with their tax beside them.
    const net = normalizeSlip(slip, "USD", ctx, new Map(), false);
    expect(net.lines[0]!.amount + net.lines[0]!.tax + net.shipping + (net.tax - net.lines[0]!.tax) + net.adjustments).toBe(net.total);
  });

  it("reads shop-local dates in the shop's time zone", () => {
    const n = order(xmlOne(xml(0), "order"));
    expect(n.updatedAt).toBe("2024-03-04T09:15:31.000Z");
  });
});
