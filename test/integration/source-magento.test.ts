// Adobe Commerce → QuickBooks Online end to end through the cron sweep: the REST tutorial's order, invoiced, lands once
// with its grand total, and the tutorial's refund (a credit memo) reaches QuickBooks as a refund of that order.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { floatToMinor } from "../../shared/model/money";
import { pollConnection } from "../../workers/reconcile/poll";
import { connect, eventually, inspect, sandbox } from "../helpers/mesh";
import { tutorialExample, tutorialOrder } from "../helpers/specs-magento";

type Json = Record<string, unknown>;

let order: Json;
const ours = async () => (await inspect("quickbooks-online")).filter((d) => JSON.stringify(d.raw).includes(`om:demo-magento:${String(order.entity_id)}`));
const sales = async () => (await ours()).filter((d) => d.kind === "SalesReceipt" || d.kind === "Invoice");
const credits = async () => (await ours()).filter((d) => d.kind === "RefundReceipt" || d.kind === "CreditMemo");

beforeAll(async () => {
  await connect(["magento"], ["quickbooks-online"]);
});

describe("Adobe Commerce → QuickBooks Online", () => {
  it("an invoiced order is found by the first sweep and becomes one sales document with its grand total", async () => {
    const { entity_id: _e, increment_id: _i, created_at: _c, updated_at: _u, ...placed } = tutorialOrder();
    order = await sandbox<Json>("/_seed/magento/orders", placed);
    await sandbox(`/magento/_sim/orders/${String(order.entity_id)}/invoice`, tutorialExample("order-create-invoice.1.payload.json"));
    const stats = await pollConnection(env, "demo-magento");
    expect(stats.error).toBeUndefined();
    const docs = await eventually(async () => ((await sales()).length > 0 ? sales() : undefined), 20_000, "the QuickBooks sales document");
    expect(docs).toHaveLength(1);
    expect(floatToMinor(Number(docs[0]!.total), "USD")).toBe(floatToMinor(Number(order.grand_total), "USD"));
  });

  it("the tutorial's credit memo reaches QuickBooks as one refund, and the sale stays single", async () => {
    const refund = tutorialExample<{ items: { order_item_id: number }[] }>("order-issue-refund.1.payload.json");
    await sandbox(`/magento/_sim/orders/${String(order.entity_id)}/refund`, refund);
    const stats = await pollConnection(env, "demo-magento");
    expect(stats.error).toBeUndefined();
    const credit = await eventually(async () => ((await credits()).length > 0 ? credits() : undefined), 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    const item = (order.items as Json[]).find((i) => i.item_id === refund.items[0]!.order_item_id)!;
    expect(floatToMinor(Number(credit[0]!.total), "USD")).toBe(floatToMinor(Number(item.price), "USD"));
    expect(await sales()).toHaveLength(1);
  });
});
