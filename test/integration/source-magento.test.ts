// Adobe Commerce → QuickBooks Online end to end through the cron sweep: the REST tutorial's order, invoiced, lands once
// with its grand total, and the tutorial's refund (a credit memo) reaches QuickBooks as a refund of that order.
import { describe, expect, it } from "vitest";
import { floatToMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";
import { tutorialExample, tutorialOrder } from "../helpers/specs-magento";

type Json = Record<string, unknown>;

let order: Json;
const s = new SourceScenario("magento", false);
const sales = () => s.sales(String(order.entity_id));

describe("Adobe Commerce → QuickBooks Online", () => {
  it("an invoiced order is found by the first sweep and becomes one sales document with its grand total", async () => {
    const { entity_id: _e, increment_id: _i, created_at: _c, updated_at: _u, ...placed } = tutorialOrder();
    order = await sandbox<Json>("/_seed/magento/orders", placed);
    await sandbox(`/magento/_sim/orders/${String(order.entity_id)}/invoice`, tutorialExample("order-create-invoice.1.payload.json"));
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const docs = await s.firstSales(String(order.entity_id));
    expect(docs).toHaveLength(1);
    expect(floatToMinor(Number(docs[0]!.total), "USD")).toBe(floatToMinor(Number(order.grand_total), "USD"));
  });

  it("the tutorial's credit memo reaches QuickBooks as one refund, and the sale stays single", async () => {
    const refund = tutorialExample<{ items: { order_item_id: number }[] }>("order-issue-refund.1.payload.json");
    await sandbox(`/magento/_sim/orders/${String(order.entity_id)}/refund`, refund);
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const credit = await s.firstRefunds(String(order.entity_id));
    expect(credit).toHaveLength(1);
    const item = (order.items as Json[]).find((i) => i.item_id === refund.items[0]!.order_item_id)!;
    expect(floatToMinor(Number(credit[0]!.total), "USD")).toBe(floatToMinor(Number(item.price), "USD"));
    expect(await sales()).toHaveLength(1);
  });
});
