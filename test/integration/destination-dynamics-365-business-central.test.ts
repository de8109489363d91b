// Shopify → Business Central through the whole mesh: one sales order under duplicates and a 429 storm, one credit memo
// for the refund, and the shipment posted (shipAndInvoice): the order becomes a posted invoice with a shipment. A till
// sale (Lightspeed Retail) invoiced at once and then voided: its posted invoice cancelled by one corrective credit memo,
// also when the sync is redelivered and when the link write is lost after BC's 204.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { orderKeyOf } from "../../workers/order-actor/messages";
import { pollConnection } from "../../workers/reconcile/poll";
import { connect, eventually, inspect, type InspectDoc, sandbox } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const SLUG = "dynamics-365-business-central";
const s = destinationScenario(SLUG, 7_300_000_000);
const { ref } = s;
const companyId = String((DEMO_CONNECTIONS[SLUG]!.config as { companyId: string }).companyId);

const mine = (kinds: string[], reference = ref): Promise<InspectDoc[]> => s.docs(kinds, (r) => r === reference.toUpperCase());
const orderDocs = () => mine(["salesOrder", "salesInvoice"]);
let refundRef = "-";
const credits = () => mine(["salesCreditMemo"], refundRef);

describe("Shopify → Dynamics 365 Business Central", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the BC sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("salesOrder");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    await s.redeliver();
    const refund = await s.refundDuringStorm(firstLine, companyId);
    refundTotal = refund.total;
    refundRef = `R${refund.id}`;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit memo after the 429 storm");
    expect(await s.rateLimitLeft()).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit memo with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
  });

  it("the shipment ships and invoices the order: one posted invoice, one shipment, no open order", async () => {
    await s.ship();
    const posted = await eventually(async () => {
      const d = await orderDocs();
      return d.length === 1 && d[0]!.kind === "salesInvoice" ? d[0] : undefined;
    }, 20_000, "the posted invoice");
    expect(toMinor(posted.total, posted.currency)).toBe(total);
    expect((posted.raw as { status: string }).status).toBe("Open");
    expect(await mine(["salesShipment"])).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});

type Json = Record<string, unknown>;
const saleFixture = import.meta.glob("../fixtures/lightspeed-retail/sale-two-taxes.json", { eager: true, import: "default" }) as Record<string, { Sale: Json }>;

describe("Lightspeed Retail → Business Central: a completed sale voided without a return", () => {
  // An account of this file's own: its sweeps read only this sale.
  const accountId = String(8_000_000 + Math.floor(Math.random() * 900_000));
  const source = "demo-lightspeed-retail";
  const dest = `demo-${SLUG}`;
  let sale: Json;
  let key = "";
  let extRef = "";
  type LinkRow = { synced_version: number; state: string | null; total: number; doc_version: string | null; doc_id: string };
  const link = () => env.DB.prepare("SELECT synced_version, state, total, doc_version, doc_id FROM links WHERE order_key = ? AND destination_connection_id = ? AND doc_key = 'order'").bind(key, dest).first<LinkRow>();
  const revision = async () => (await env.ORDER_ACTOR.getByName(key).snapshot())!.revision;
  const invoices = async () => (await inspect(SLUG)).filter((d) => d.kind === "salesInvoice" && d.externalRef === extRef);
  /** Corrective credit memos applied to the sale's posted invoice. */
  const corrective = async (invoiceId: string) => (await inspect(SLUG)).filter((d) => d.kind === "salesCreditMemo" && (d.raw as { invoiceId?: string; status?: string }).invoiceId === invoiceId && (d.raw as { status?: string }).status === "Corrective");
  const cancelNotes = async () => (await env.ORDER_ACTOR.getByName(key).timeline(500)).entries.filter((e) => /cancelled in Business Central by corrective credit memo/.test(e.summary)).length;
  const canceledAndLinked = () => eventually(async () => {
    const [l, r] = [await link(), await revision()];
    return l && l.synced_version === r && l.state === "canceled" ? l : undefined;
  }, 20_000, "the link of the cancelled invoice");
  let posted: LinkRow;
  let invoice: InspectDoc;

  beforeAll(async () => {
    await connect(["lightspeed-retail"], [SLUG], { config: { "lightspeed-retail": { accountId } } });
  });

  it("the completed sale is posted as one sales invoice with Lightspeed's total", async () => {
    const { saleID: _id, timeStamp: _ts, updatetime: _u, ...fixture } = structuredClone(Object.values(saleFixture)[0]!.Sale);
    const lines = (fixture.SaleLines as { SaleLine: Json[] }).SaleLine.map(({ saleLineID: _l, saleID: _s, ...l }) => l);
    sale = await sandbox<Json>(`/_seed/lightspeed-retail/orders?accountId=${accountId}`, { ...fixture, SaleLines: { SaleLine: lines } });
    key = orderKeyOf(source, String(sale.saleID));
    expect((await pollConnection(env, source)).error).toBeUndefined();
    const snap = await eventually(async () => (await env.ORDER_ACTOR.getByName(key).snapshot()) ?? undefined, 10_000, "the sale in the mesh");
    extRef = snap.order!.orderNumber.toUpperCase();
    invoice = await eventually(async () => (await invoices())[0], 20_000, "the posted invoice");
    expect(toMinor(invoice.total, invoice.currency)).toBe(snap.order!.totals.total);
    expect(invoice.raw).toMatchObject({ status: "Open" });
    posted = (await eventually(async () => ((await link())?.state === "posted" ? link() : undefined), 10_000, "the link of the posted invoice"))!;
  });

  it("the void cancels the posted invoice by one corrective credit memo for its whole total", async () => {
    await sandbox(`/lightspeed-retail/_sim/sales/${String(sale.saleID)}/void?accountId=${accountId}`, {});
    expect((await pollConnection(env, source)).error).toBeUndefined();
    const l = await canceledAndLinked();
    expect(l.doc_id).toBe(invoice.id);
    const [inv] = await invoices();
    expect(inv!.raw).toMatchObject({ status: "Canceled", remainingAmount: 0 });
    const memos = await corrective(invoice.id);
    expect(memos).toHaveLength(1);
    expect(toMinor(memos[0]!.total, memos[0]!.currency)).toBe(toMinor(invoice.total, invoice.currency));
    expect(await cancelNotes()).toBe(1);
  });

  it("a redelivered sync and a lost link write repeat nothing: still one corrective credit memo", async () => {
    const sync = () => env.CONNECTION_ACTOR.getByName(dest).sync(key, dest, 2);
    expect(await Promise.all([sync(), sync()])).toEqual([{ result: "ok", documents: 0, upToDate: true }, { result: "ok", documents: 0, upToDate: true }]);
    // The crash: BC answered the cancel's 204, the link still holds the posted invoice at the earlier revision. The queue
    // redelivers, twice at once: the first sync reads the invoice Canceled and only writes the link.
    await env.DB.prepare("UPDATE links SET synced_version = ?, state = ?, total = ?, doc_version = ? WHERE order_key = ? AND destination_connection_id = ? AND doc_key = 'order'")
      .bind(posted.synced_version, posted.state, posted.total, posted.doc_version, key, dest).run();
    expect(await Promise.all([sync(), sync()])).toEqual([{ result: "ok", documents: 1, upToDate: false }, { result: "ok", documents: 0, upToDate: true }]);
    await canceledAndLinked();
    // The link lost altogether: the invoice is found by its external document number and adopted as it is.
    await env.DB.prepare("DELETE FROM links WHERE order_key = ? AND destination_connection_id = ?").bind(key, dest).run();
    expect(await sync()).toEqual({ result: "ok", documents: 1, upToDate: false });
    expect((await canceledAndLinked()).doc_id).toBe(invoice.id);
    expect(await corrective(invoice.id)).toHaveLength(1);
    expect(await invoices()).toHaveLength(1);
    expect(await cancelNotes()).toBe(1);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM failures WHERE order_key = ? AND status = 'open'").bind(key).first<{ n: number }>())!.n).toBe(0);
  });
});
