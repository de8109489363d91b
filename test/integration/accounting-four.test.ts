// One Canadian Shopify order (weighed spice, GST + PST, a discount code, gift card + card) into QuickBooks Online, Xero,
// Zoho Books and Sage Intacct at once: one document each at the source total, under a duplicate storm and a 429 storm
// per tenant, the tenders as payments where the vendor records them, and its refund as each vendor's credit document.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, type InspectDoc, post, sandbox, webhooks } from "../helpers/mesh";

const DESTS = ["quickbooks-online", "xero", "zoho-books", "sage-intacct"] as const;
type Dest = (typeof DESTS)[number];
/** Each demo tenant as its simulator scopes faults (workers/demo.ts). */
const TENANT: Record<Dest, string> = {
  "quickbooks-online": "9130357766900456",
  xero: "2f9c0a52-5c1b-4d3e-9e3b-7d1a5b8c0d11",
  "zoho-books": "organization_id=10234695",
  "sage-intacct": "demo-intacct-co",
};
const CREDIT_KINDS: Record<Dest, string[]> = {
  "quickbooks-online": ["CreditMemo", "RefundReceipt"],
  xero: ["CreditNote"],
  "zoho-books": ["CreditNote"],
  "sage-intacct": ["Sales Return"],
};
/** Where each tender is deposited, per destination (the posting profiles below). */
const DEPOSIT: Record<"quickbooks-online" | "xero" | "zoho-books", Record<string, string>> = {
  "quickbooks-online": { gift_card: "4", shopify_payments: "2" },
  xero: { gift_card: "091", shopify_payments: "090" },
  "zoho-books": { gift_card: "460000000045001", shopify_payments: "460000000045002" },
};

const id = 7_700_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
const CUR = "CAD";
const m = (v: unknown) => toMinor(String(v), CUR);

interface ShopifyTx { id: number; kind: string; gateway: string; amount: string; status: string }
interface ShopifyOrder {
  total_price: string;
  total_tax: string;
  line_items: Array<{ id: number; sku: string; grams: number; quantity: number; price: string; tax_lines: Array<{ title: string; rate: number; price: string }> }>;
  tax_lines: Array<{ title: string; rate: number; price: string }>;
  discount_codes: Array<{ code: string; amount: string }>;
  payment_gateway_names: string[];
}

let order: ShopifyOrder;
let sales: ShopifyTx[] = [];
let cursor = 0;

beforeAll(async () => {
  await connect(["shopify"], [...DESTS], {
    config: {
      shopify: { weighedSkus: ["SPICE-SUMAC-LOOSE"] },
      "quickbooks-online": { homeCurrency: CUR, taxCodeMap: { "0.12": "GSTPSTBC" }, depositAccountMap: DEPOSIT["quickbooks-online"] },
      xero: { taxes: { codes: [{ rate: "0.12", code: "TAX005" }] }, payments: { methods: { gift_card: { account: "091" }, shopify_payments: { account: "090" } } } },
      "zoho-books": {
        taxes: { codes: [{ rate: "0.12", code: "460000000038007" }] },
        payments: { methods: { gift_card: { account: DEPOSIT["zoho-books"].gift_card, method: "Gift Card" }, shopify_payments: { account: DEPOSIT["zoho-books"].shopify_payments, method: "creditcard" } } },
      },
      "sage-intacct": { baseCurrency: CUR },
    },
  });
  cursor = (await webhooks("shopify")).at(-1)?.seq ?? 0;
});

const docsOf = async (slug: Dest, kinds: string[], match: (d: InspectDoc) => boolean): Promise<InspectDoc[]> => (await inspect(slug)).filter((d) => kinds.includes(d.kind) && match(d));
const ORDER_KINDS: Record<Dest, string[]> = {
  "quickbooks-online": ["Invoice", "SalesReceipt"],
  xero: ["Invoice"],
  "zoho-books": ["Invoice", "SalesOrder"],
  "sage-intacct": ["Sales Order"],
};
const isOrderDoc = (slug: Dest) => (d: InspectDoc) => (slug === "quickbooks-online" ? d.externalRef === String(id) || d.externalRef === ref : d.externalRef === ref);
const orderDocs = (slug: Dest) => docsOf(slug, ORDER_KINDS[slug], isOrderDoc(slug));
const credits = (slug: Dest) => docsOf(slug, CREDIT_KINDS[slug], (d) => d.externalRef.includes(String(id)) || JSON.stringify(d.raw).includes(String(id)));

/** Posts every delivery of this order queued since the cursor: each 20× at once, then again under new event ids. */
async function storm(): Promise<void> {
  const mine = (await webhooks("shopify", cursor)).filter((d) => d.status !== "dropped" && d.body.includes(String(id)));
  cursor = (await webhooks("shopify", cursor)).at(-1)?.seq ?? cursor;
  expect(mine.length).toBeGreaterThan(0);
  for (const d of mine) {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(d).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const again = { ...d, headers: { ...d.headers, "X-Shopify-Event-Id": crypto.randomUUID(), "X-Shopify-Webhook-Id": crypto.randomUUID() } };
    expect((await post(again)).status).toBe(200);
  }
}

async function rateStorm(): Promise<void> {
  for (const slug of DESTS) await sandbox(`/_faults/${slug}`, { rateLimited: 2, retryAfterSeconds: 1, match: TENANT[slug] });
}

describe("one Shopify order into the four accounting destinations", () => {
  it("the simulator sells by weight, charges GST and PST per line and splits the tender in its transactions", async () => {
    order = await sandbox<ShopifyOrder>("/shopify/_sim/orders", {
      id, seed: 7, currency: CUR, lines: 2, sourceName: "web", discount: true, financialStatus: "paid", weighedGrams: 375,
      taxes: [{ title: "GST", rate: "0.05" }, { title: "PST", rate: "0.07" }],
      tenders: [{ gateway: "gift_card", amount: "10.00" }, { gateway: "shopify_payments" }],
    });
    const spice = order.line_items.find((l) => l.sku === "SPICE-SUMAC-LOOSE")!;
    expect(spice.grams * spice.quantity).toBe(375);
    for (const l of order.line_items) expect(l.tax_lines.map((t) => t.title)).toEqual(["GST", "PST"]);
    expect(order.payment_gateway_names).toEqual(["gift_card", "shopify_payments"]);
    const res = await fetch(`http://localhost:8788/shopify/admin/api/2024-04/orders/${id}/transactions.json`, { headers: { "X-Shopify-Access-Token": "demo-shopify-token" } });
    expect(res.status).toBe(200);
    sales = ((await res.json()) as { transactions: ShopifyTx[] }).transactions.filter((t) => t.kind === "sale" && t.status === "success");
    expect(sales.map((t) => t.gateway)).toEqual(["gift_card", "shopify_payments"]);
    expect(m(sales[0]!.amount)).toBe(1000);
    expect(sales.reduce((n, t) => n + m(t.amount), 0)).toBe(m(order.total_price));
    const unauth = await fetch(`http://localhost:8788/shopify/admin/api/2024-04/orders/${id}/transactions.json`);
    expect(unauth.status).toBe(401);
  });

  it("lands once in each destination at the source total and tax, under a duplicate storm and a 429 storm", async () => {
    await rateStorm();
    await storm();
    const total = m(order.total_price);
    for (const slug of DESTS) {
      const docs = await eventually(async () => ((await orderDocs(slug)).length > 0 ? orderDocs(slug) : undefined), 20_000, `the ${slug} document`);
      expect(docs, slug).toHaveLength(1);
      expect(m(docs[0]!.total), slug).toBe(total);
    }
    // The duplicates settle into nothing more.
    for (const slug of DESTS) expect(await orderDocs(slug), slug).toHaveLength(1);
    const tax = m(order.total_tax);
    // GST and PST exactly as Shopify charged them: their sum is the document's tax in every ledger.
    const gst = order.tax_lines.find((t) => t.title === "GST")!;
    const pst = order.tax_lines.find((t) => t.title === "PST")!;
    expect(m(gst.price) + m(pst.price)).toBe(tax);
    const qbo = (await orderDocs("quickbooks-online"))[0]!.raw as { TxnTaxDetail: { TotalTax: number }; Line: Array<{ SalesItemLineDetail?: { TaxCodeRef?: { value: string }; Qty?: number } }> };
    expect(m(qbo.TxnTaxDetail.TotalTax)).toBe(tax);
    expect(qbo.Line.filter((l) => l.SalesItemLineDetail?.Qty === 0.375)).toHaveLength(1);
    const xero = (await orderDocs("xero"))[0]!.raw as { TotalTax: number; LineItems: Array<{ TaxType: string; Quantity: number }> };
    expect(m(xero.TotalTax)).toBe(tax);
    // Zoho rounds a tax group's 12% once over the lines, the source GST and PST each per line: the group's tax may be a
    // cent off the source's, and that cent is carried in the invoice's adjustment (the total above is exact).
    const zoho = (await orderDocs("zoho-books"))[0]!.raw as { tax_total: number; adjustment?: number };
    expect(Math.abs(m(zoho.tax_total) - tax)).toBeLessThanOrEqual(1);
    expect(m(zoho.tax_total) + m(zoho.adjustment ?? 0)).toBe(tax);
    for (const l of xero.LineItems.filter((x) => x.Quantity !== 1 || x.TaxType === "TAX005")) expect(["TAX005", "NONE"]).toContain(l.TaxType);
  });

  it("records each tender as its own payment into its mapped deposit account", async () => {
    const want = sales.map((t) => ({ amount: m(t.amount), account: t.gateway })).sort((a, b) => a.amount - b.amount);
    // QuickBooks: an Invoice settled by one Payment per tender.
    const qboInvoice = (await orderDocs("quickbooks-online"))[0]!;
    expect(qboInvoice.kind).toBe("Invoice");
    const qboPays = (await inspect("quickbooks-online")).filter((d) => d.kind === "Payment" && JSON.stringify(d.raw).includes(`"TxnId":"${qboInvoice.id}"`));
    expect(qboPays.map((p) => ({ amount: m(p.total), account: (p.raw as { DepositToAccountRef: { value: string } }).DepositToAccountRef.value })).sort((a, b) => a.amount - b.amount))
      .toEqual(want.map((w) => ({ amount: w.amount, account: DEPOSIT["quickbooks-online"][w.account] })));
    // Xero: one payment per tender against the invoice.
    const xeroPays = (await inspect("xero")).filter((d) => d.kind === "Payment" && d.externalRef === ref);
    expect(xeroPays.map((p) => ({ amount: m(p.total), account: (p.raw as { Account: { Code: string } }).Account.Code })).sort((a, b) => a.amount - b.amount))
      .toEqual(want.map((w) => ({ amount: w.amount, account: DEPOSIT.xero[w.account] })));
    // Zoho Books: one customer payment per tender applied to the invoice.
    const zohoPays = ((await orderDocs("zoho-books"))[0]!.raw as { payments: Array<{ amount: number; account_id: string }> }).payments;
    expect(zohoPays.map((p) => ({ amount: m(p.amount), account: p.account_id })).sort((a, b) => a.amount - b.amount))
      .toEqual(want.map((w) => ({ amount: w.amount, account: DEPOSIT["zoho-books"][w.account] })));
  });

  it("the refund lands as one credit document per destination with the refund's total, also under a 429 storm", async () => {
    const spice = order.line_items.find((l) => l.sku === "SPICE-SUMAC-LOOSE")!;
    const refunded = await sandbox<{ refunds: Array<{ transactions: Array<{ amount: string }> }> }>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: spice.id }] });
    const refundTotal = refunded.refunds.at(-1)!.transactions.reduce((n, t) => n + m(t.amount), 0);
    expect(refundTotal).toBeGreaterThan(0);
    await rateStorm();
    await storm();
    for (const slug of DESTS) {
      const docs = await eventually(async () => ((await credits(slug)).length > 0 ? credits(slug) : undefined), 20_000, `the ${slug} credit document`);
      expect(docs, slug).toHaveLength(1);
      expect(m(docs[0]!.total), slug).toBe(refundTotal);
      expect(await orderDocs(slug), slug).toHaveLength(1);
    }
  });
});
