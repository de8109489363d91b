// PrestaShop → QuickBooks Online end to end through the cron sweep: a paid web order lands once with PrestaShop's
// total, and a credit slip issued in the back office reaches QuickBooks as a refund of that order.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { xmlOne } from "../../workers/connectors/sources/prestashop/xml";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";
import { orderXml, PRESTASHOP_ORDERS } from "../helpers/specs-prestashop";

type Json = Record<string, unknown>;

/** A USD fixture order (its blank-schema XML read as the JSON output format), placed now: ids and dates assigned. */
function freshOrder(): Json {
  const f = PRESTASHOP_ORDERS[1]!;
  const { id: _id, reference: _r, date_add: _a, date_upd: _u, ...order } = xmlOne(orderXml(f.fields, f.rows), "order") as Json;
  const rows = (order.associations as { order_rows: Json[] }).order_rows.map(({ id: _i, ...r }) => r);
  // Paid, not yet shipped: state 2 (Payment accepted) in the sandbox shop.
  return { ...order, current_state: "2", shipping_number: "", associations: { order_rows: rows } };
}

let order: Json;
const s = new SourceScenario("prestashop", false);
const sales = () => s.sales(String(order.id));

describe("PrestaShop → QuickBooks Online", () => {
  it("a paid order is found by the first sweep and becomes one sales document with PrestaShop's total", async () => {
    order = (await sandbox<{ order: Json }>("/_seed/prestashop/orders", { order: freshOrder() })).order;
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const docs = await s.firstSales(String(order.id));
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(toMinor(String(order.total_paid_tax_incl), "USD"));
  });

  it("a credit slip reaches QuickBooks as one refund of the slip's amount, and the sale stays single", async () => {
    const rows = (order.associations as { order_rows: Json[] }).order_rows;
    const { order_slip: slip } = await sandbox<{ order_slip: Json }>(`/prestashop/_sim/orders/${String(order.id)}/refund`, { rows: [{ id: String(rows[0]!.id), quantity: 1 }] });
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const credit = await s.firstRefunds(String(order.id));
    expect(credit).toHaveLength(1);
    const refunded = toMinor(String(slip.total_products_tax_incl), "USD") + toMinor(String(slip.total_shipping_tax_incl), "USD");
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(refunded);
    expect(await sales()).toHaveLength(1);
  });
});
