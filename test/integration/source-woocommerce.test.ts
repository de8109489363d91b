// WooCommerce → QuickBooks Online end to end: a paid web order (order.created) lands once with WooCommerce's total, and a
// refund in the shop (order.updated with refunds[]) reaches QuickBooks as a refund of that order.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, deliverAll, eventually, inspect, sandbox, webhooks } from "../helpers/mesh";
import { wooOrder, type Json } from "../helpers/specs-woocommerce";

const run = Math.floor(Math.random() * 1e9);
const orderId = 500_000_000 + run;
let cursor = 0;

beforeAll(async () => {
  await connect(["woocommerce"], ["quickbooks-online"]);
  cursor = (await webhooks("woocommerce")).at(-1)?.seq ?? 0;
});

/** Delivers what the simulator queued since the last call, exactly as WooCommerce would post it; every answer must be 200. */
async function deliverNew(): Promise<void> {
  const r = await deliverAll("woocommerce", cursor);
  for (const s of r.statuses) expect(s).toBe(200);
  cursor = r.last;
}

const ours = async () => (await inspect("quickbooks-online")).filter((d) => JSON.stringify(d.raw).includes(`om:demo-woocommerce:${orderId}`));

describe("WooCommerce → QuickBooks Online", () => {
  // The doc example order 727 (processing, paid by bank transfer), re-keyed for this run.
  const order: Json = { ...wooOrder(727, "orders.retrieve-an-order.2.json"), id: orderId, number: `WC${run}`, date_modified_gmt: new Date().toISOString().slice(0, 19) };

  it("a paid order becomes one sales document with WooCommerce's total", async () => {
    await sandbox("/_seed/woocommerce/orders", order);
    await deliverNew();
    const docs = await eventually(async () => {
      const d = (await ours()).filter((x) => x.kind === "SalesReceipt" || x.kind === "Invoice");
      return d.length > 0 ? d : undefined;
    }, 20_000, "the QuickBooks sales document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(toMinor(String(order.total), String(order.currency)));
  });

  it("answers WooCommerce's unsigned activation ping with 200 (WooCommerce activates the webhook only on an exact 200)", async () => {
    await sandbox("/woocommerce/_sim/ping", {});
    await deliverNew();
  });

  it("a refund in the shop reaches QuickBooks as one refund document of the refunded amount, and the sale stays single", async () => {
    const refunded = await sandbox<{ refunds: { total: string }[] }>(`/woocommerce/_sim/orders/${orderId}/refund`, { amount: "10.00", reason: "Late delivery" });
    await deliverNew();
    const credit = await eventually(async () => {
      const c = (await ours()).filter((d) => d.kind === "RefundReceipt" || d.kind === "CreditMemo");
      return c.length > 0 ? c : undefined;
    }, 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(-toMinor(refunded.refunds[0]!.total, "USD"));
    expect((await ours()).filter((d) => d.kind === "SalesReceipt" || d.kind === "Invoice")).toHaveLength(1);
  });
});
