// Shopify → Xero through the whole mesh: one ACCREC invoice per order under duplicate webhooks and a 429 storm, one
// credit note for the refund (Xero invoices track no shipment: the shipment leaves them as they are); a paid order
// cancelled without a refund: its payments deleted and its invoice voided, once, under redelivery and a lost link.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { adminFetch, eventually, inspect, post, sandbox, webhooks } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";
import { ConnectionActor } from "../../workers/connection-actor/connection-actor";

const SLUG = "xero";
/** The demo connection's tenant (workers/demo.ts). */
const TENANT = "2f9c0a52-5c1b-4d3e-9e3b-7d1a5b8c0d11";
const s = destinationScenario(SLUG, 7_300_000_000);
const { id, ref, deliverNew } = s;

const orderDocs = () => s.docs(["Invoice"], (r) => r === ref);
const credits = () => s.docs(["CreditNote"], (r) => r.startsWith(`${ref}-R`));

describe("Shopify → Xero", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid order becomes exactly one ACCREC invoice with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the Xero document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    const raw = docs[0]!.raw as { Type: string; Reference: string; Status: string; tenantId: string };
    expect(raw).toMatchObject({ Type: "ACCREC", Reference: ref, Status: "PAID", tenantId: TENANT });
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    await s.redeliver();
    const before = await s.throttled();
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    refundTotal = (await s.refundDuringStorm(firstLine, TENANT)).total;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit document after the 429 storm");
    expect((await s.throttled()) - before).toBeGreaterThanOrEqual(1);
    expect(await s.rateLimitLeft()).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit note with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    expect((docs[0]!.raw as { Type: string; Reference: string }).Type).toBe("ACCRECCREDIT");
    expect((docs[0]!.raw as { Reference: string }).Reference).toBe(ref);
  });

  it("the shipment leaves one paid invoice and one credit note", async () => {
    const beforeShip = await s.syncedVersion();
    await s.ship();
    // The mesh converged the document to the shipped order: its link holds a newer revision.
    await eventually(async () => (await s.syncedVersion()) > beforeShip, 20_000, "the fulfillment synced");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
    expect(toMinor((await orderDocs())[0]!.total, "USD")).toBe(total);
  });

  it("the day's request count survives the ConnectionActor being evicted, and the admin page shows what is left", async () => {
    const stub = env.CONNECTION_ACTOR.getByName(`demo-${SLUG}`);
    const before = await stub.budgetStatus(`demo-${SLUG}`);
    expect(before?.perDay).toBe(5000);
    expect(before!.usedToday).toBeGreaterThan(0);
    // A new instance over the same storage is what the runtime builds after an eviction.
    const restored = await runInDurableObject(stub, async (_instance: ConnectionActor, state) => {
      const fresh = new ConnectionActor(state, env);
      return fresh.budgetStatus(`demo-${SLUG}`);
    });
    expect(restored?.usedToday).toBe(before!.usedToday);
    const page = await (await adminFetch("/admin/connections")).text();
    expect(page).toContain(`${5000 - before!.usedToday} of 5000 left today`);
  });
});


describe("Shopify → Xero: a paid order cancelled without a refund", () => {
  const cid = id + 1;
  const cref = `#${cid}`;
  const key = `demo-shopify:${cid}`;
  const dest = `demo-${SLUG}`;
  const invoices = async () => (await inspect(SLUG)).filter((d) => d.kind === "Invoice" && d.externalRef === cref);
  const payments = async () => (await inspect(SLUG)).filter((d) => d.kind === "Payment" && d.externalRef === cref);
  type LinkRow = { doc_id: string; doc_kind: string; external_ref: string; synced_version: number; total: number; currency: string; doc_version: string | null; state: string | null };
  const link = () => env.DB.prepare("SELECT doc_id, doc_kind, external_ref, synced_version, total, currency, doc_version, state FROM links WHERE order_key = ? AND destination_connection_id = ? AND doc_key = 'order'").bind(key, dest).first<LinkRow>();
  const revision = async () => (await env.ORDER_ACTOR.getByName(key).snapshot())!.revision;
  const openFailures = async () => (await env.DB.prepare("SELECT count(*) AS n FROM failures WHERE order_key = ? AND status = 'open'").bind(key).first<{ n: number }>())!.n;
  /** The order's timeline entries (what each sync wrote) matching `pattern`. */
  const timeline = async (pattern: RegExp) => (await env.ORDER_ACTOR.getByName(key).timeline(500)).entries.filter((e) => pattern.test(e.summary));
  /** The Xero writes of the cancellation, as the syncs reported them: each must appear once, whatever is redelivered. */
  const reversals = async () => [(await timeline(/payment\(s\) on invoice .* deleted/)).length, (await timeline(/invoice .* voided \(order cancelled\)/)).length];
  /** The link converged to the order's current revision with the invoice voided. */
  const voidedAndLinked = () => eventually(async () => {
    const [l, r] = [await link(), await revision()];
    return l && l.synced_version === r && l.state === "VOIDED" ? l : undefined;
  }, 20_000, "the link of the voided invoice");
  let paid: LinkRow;
  let total = 0;

  it("the paid order's invoice carries the mesh's payment", async () => {
    ({ total } = await s.seedOrder(cid));
    const inv = await eventually(async () => (await invoices()).find((d) => (d.raw as { Status: string }).Status === "PAID"), 20_000, "the paid invoice");
    expect(toMinor(inv.total, inv.currency)).toBe(total);
    const p = await payments();
    expect(p.reduce((n, d) => n + toMinor(d.total, d.currency), 0)).toBe(total);
    paid = (await eventually(async () => ((await link())?.state === "PAID" ? link() : undefined), 10_000, "the link of the paid invoice"))!;
  });

  it("the cancellation deletes the payment and voids the invoice — exactly once", async () => {
    await sandbox(`/shopify/_sim/orders/${cid}/cancel`, { reason: "customer" });
    await deliverNew();
    const l = await voidedAndLinked();
    expect(l.doc_id).toBe(paid.doc_id);
    const docs = await invoices();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.raw).toMatchObject({ Status: "VOIDED", AmountPaid: 0, Payments: [] });
    const p = await payments();
    expect(p.length).toBeGreaterThan(0);
    for (const d of p) expect((d.raw as { Status: string }).Status).toBe("DELETED");
    expect((await inspect(SLUG)).filter((d) => d.kind === "CreditNote" && d.externalRef.startsWith(`${cref}-R`))).toHaveLength(0);
    expect(await reversals()).toEqual([1, 1]);
  });

  it("a redelivered cancellation and a redelivered sync change nothing", async () => {
    const before = await revision();
    const mine = (await webhooks("shopify")).filter((d) => d.body.includes(String(cid)));
    for (const d of mine) expect((await post(d)).status).toBe(200);
    expect(await revision()).toBe(before);
    // The queue delivering the sync message again, twice at once: the link at this revision makes both no-ops.
    const outcomes = await Promise.all([1, 2].map(() => env.CONNECTION_ACTOR.getByName(dest).sync(key, dest, 2)));
    expect(outcomes).toEqual([{ result: "ok", documents: 0, upToDate: true }, { result: "ok", documents: 0, upToDate: true }]);
    await voidedAndLinked();
    expect(await invoices()).toHaveLength(1);
    expect(await openFailures()).toBe(0);
    expect(await reversals()).toEqual([1, 1]);
  });

  it("a link write lost after Xero's 2xx converges on the voided invoice without writing again", async () => {
    const deleted = (await payments()).map((d) => d.id).sort();
    // The crash: Xero deleted the payment and voided the invoice, the link still says PAID at the earlier revision.
    await env.DB.prepare("UPDATE links SET synced_version = ?, state = ?, total = ?, doc_version = ? WHERE order_key = ? AND destination_connection_id = ? AND doc_key = 'order'")
      .bind(paid.synced_version, paid.state, paid.total, paid.doc_version, key, dest).run();
    // The queue redelivers the message, twice at once: the first sync reads the invoice VOIDED and only writes the
    // link; the second finds the link in step.
    const outcomes = await Promise.all([1, 2].map(() => env.CONNECTION_ACTOR.getByName(dest).sync(key, dest, 2)));
    expect(outcomes).toEqual([{ result: "ok", documents: 1, upToDate: false }, { result: "ok", documents: 0, upToDate: true }]);
    await voidedAndLinked();
    // And with the link lost altogether: the invoice is found by its number and adopted.
    await env.DB.prepare("DELETE FROM links WHERE order_key = ? AND destination_connection_id = ?").bind(key, dest).run();
    expect(await env.CONNECTION_ACTOR.getByName(dest).sync(key, dest, 2)).toEqual({ result: "ok", documents: 1, upToDate: false });
    expect((await voidedAndLinked()).doc_id).toBe(paid.doc_id);
    expect(await invoices()).toHaveLength(1);
    expect((await payments()).map((d) => d.id).sort()).toEqual(deleted);
    expect(await openFailures()).toBe(0);
    expect(await reversals()).toEqual([1, 1]);
  });
});
