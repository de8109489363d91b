// WooCommerce → QuickBooks Online end to end: a paid web order (order.created) lands once with WooCommerce's total, and a
// refund in the shop (order.updated with refunds[]) reaches QuickBooks as a refund of that order.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";
import { wooOrder, type Json } from "../helpers/specs-woocommerce";

const run = Math.floor(Math.random() * 1e9);
const orderId = 500_000_000 + run;
const s = new SourceScenario("woocommerce", true);

describe("WooCommerce → QuickBooks Online", () => {
  // The doc example order 727 (processing, paid by bank transfer), re-keyed for this run.
  const order: Json = { ...wooOrder(727, "orders.retrieve-an-order.2.json"), id: orderId, number: `WC${run}`, date_modified_gmt: new Date().toISOString().slice(0, 19) };

  it("a paid order becomes one sales document with WooCommerce's total", async () => {
    await sandbox("/_seed/woocommerce/orders", order);
    await s.deliverNew();
    const docs = await s.firstSales(String(orderId));
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(toMinor(String(order.total), String(order.currency)));
  });

  it("answers WooCommerce's unsigned activation ping with 200 (WooCommerce activates the webhook only on an exact 200)", async () => {
    await sandbox("/woocommerce/_sim/ping", {});
    await s.deliverNew();
  });

  it("a refund in the shop reaches QuickBooks as one refund document of the refunded amount, and the sale stays single", async () => {
    const refunded = await sandbox<{ refunds: { total: string }[] }>(`/woocommerce/_sim/orders/${orderId}/refund`, { amount: "10.00", reason: "Late delivery" });
    await s.deliverNew();
    const credit = await s.firstRefunds(String(orderId));
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(-toMinor(refunded.refunds[0]!.total, "USD"));
    expect(await s.sales(String(orderId))).toHaveLength(1);
  });
});
