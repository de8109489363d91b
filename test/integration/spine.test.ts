// The spine end to end: a Shopify order created in the simulator reaches QuickBooks Online once, with its
// shipment and refund, through webhook → OrderActor → queue → ConnectionActor → QuickBooks simulator.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { adminFetch, connect, eventually, inspect, newDeliveries, sandbox } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], ["quickbooks-online"]);
  deliverNew = await newDeliveries("shopify");
});

const docsFor = async (ref: string) => (await inspect("quickbooks-online")).filter((d) => d.externalRef === ref);

describe("Shopify → QuickBooks Online", () => {
  const id = 930001;
  const ref = `#${id}`;

  it("a paid order becomes one SalesReceipt with the order's total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => {
      const d = await docsFor(ref);
      return d.length > 0 ? d : undefined;
    }, 20_000, "the QuickBooks document");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("SalesReceipt");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(toMinor(String(order.total_price), String(order.currency)));
    const link = await env.DB.prepare(`SELECT * FROM links WHERE order_key = ? AND doc_key = 'order'`).bind(`demo-shopify:${id}`).first<{ doc_id: string }>();
    expect(link?.doc_id).toBe(docs[0]!.id);
  });

  it("its shipment reaches the document and its refund becomes a RefundReceipt", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    await eventually(async () => {
      const d = (await docsFor(ref))[0];
      return d && JSON.stringify(d.raw).includes("1Z999AA10123456784");
    }, 20_000, "the tracking number on the SalesReceipt");
    const refunded = await sandbox<Record<string, unknown>>(`/shopify/_sim/orders/${id}/refund`, {});
    await deliverNew();
    const refunds = ((refunded.order ?? refunded) as { refunds: Array<{ transactions: Array<{ amount: string }> }> }).refunds;
    const refundTotal = refunds.at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    const credit = await eventually(async () => {
      const all = await inspect("quickbooks-online");
      const c = all.filter((d) => (d.kind === "RefundReceipt" || d.kind === "CreditMemo") && JSON.stringify(d.raw).includes(`:${id}`));
      return c.length > 0 ? c : undefined;
    }, 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(refundTotal);
    expect(await docsFor(ref)).toHaveLength(1);
  });

  it("the admin page shows the order with its timeline and its QuickBooks document", async () => {
    const res = await adminFetch(`/admin/orders/${encodeURIComponent(`demo-shopify:${id}`)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(ref);
    expect(html).toContain("SalesReceipt");
    expect(html).toContain("demo-quickbooks-online");
    expect(html).toMatch(/orders\/create → applied/);
  });

  it("the admin page refuses requests without credentials", async () => {
    const { SELF } = await import("cloudflare:test");
    expect((await SELF.fetch("http://localhost:8787/admin/api/orders")).status).toBe(401);
    expect((await SELF.fetch("http://localhost:8787/admin/api/orders", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const page = await SELF.fetch("http://localhost:8787/admin/orders", { redirect: "manual" });
    expect(page.status).toBe(302);
  });
});
