// Clover → QuickBooks Online end to end: a paid sale notified by id lands once with what the customer paid, a refund
// at the register reaches QuickBooks as a refund, a sale whose notification never comes is found by the cron sweep,
// and Clover's URL-verification POST is answered 200 with nothing stored.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually, post, sandbox, webhooks } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";

type Json = Record<string, unknown>;
type CloverOrder = Json & { id: string; total: number; modifiedTime: number; payments: { elements: Array<{ tipAmount?: number }> } };

const files = import.meta.glob("../fixtures/clover/order.*.json", { eager: true, import: "default" }) as Record<string, unknown>;
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const run = Array.from({ length: 7 }, () => ALPHABET[Math.floor(Math.random() * 32)]).join("");

/** A fixture order under a fresh 13-character id (its line and payment ids too), modified now. */
function order(name: string, tag: string): CloverOrder {
  const raw = structuredClone(files[Object.keys(files).find((k) => k.endsWith(`/${name}`))!]) as CloverOrder;
  const id = `${tag}${run}`.padEnd(13, "0").slice(0, 13);
  let text = JSON.stringify(raw).replaceAll(raw.id, id);
  let n = 0;
  for (const m of new Set(text.match(/"id":"(LI|PAY|RFN)[A-Z0-9]+"/g) ?? [])) text = text.replaceAll(m.slice(6, -1), `${tag}${n++}${run}`.padEnd(13, "0").slice(0, 13));
  return { ...(JSON.parse(text) as CloverOrder), modifiedTime: Date.now(), createdTime: Date.now() };
}

const s = new SourceScenario("clover", true);

describe("Clover → QuickBooks Online", () => {
  const sale = order("order.paid.json", "IA");
  /** What the customer paid: Clover's total (tax included) and the tip recorded on the payment. */
  const paid = sale.total + (sale.payments.elements[0]!.tipAmount ?? 0);

  it("a paid sale, notified by id only, is fetched and becomes one SalesReceipt of what was paid", async () => {
    await sandbox("/_seed/clover/orders", sale);
    await s.deliverNew();
    const docs = await s.firstSales(sale.id);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("SalesReceipt");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(paid);
  });

  it("a refund at the register reaches QuickBooks as one refund document of the refunded amount", async () => {
    const after = await sandbox<{ refunds: { elements: Array<{ amount: number }> } }>(`/clover/_sim/orders/${sale.id}/refund`, { amount: 1000 });
    const refunded = after.refunds.elements.at(-1)!.amount;
    await s.deliverNew();
    const credit = await s.firstRefunds(sale.id);
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(refunded);
    expect((await s.docs(sale.id)).filter((d) => d.kind === "SalesReceipt")).toHaveLength(1);
  });

  it("a sale whose notification never arrives (Clover guarantees none) is found by the cron sweep", async () => {
    const lost = order("order.vat-weighed.json", "IB");
    await sandbox("/_seed/clover/orders", lost);
    // Its CREATE notification is never delivered: skip past it.
    s.cursor = (await webhooks("clover")).at(-1)?.seq ?? s.cursor;
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const docs = await eventually(async () => {
      const d = await s.docs(lost.id);
      return d.length > 0 ? d : undefined;
    }, 20_000, "the swept order's document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(lost.total);
  });

  it("answers Clover's URL-verification POST with 200, fetching nothing and showing the code in admin", async () => {
    const { verificationCode } = await sandbox<{ verificationCode: string }>("/clover/_sim/verify", {});
    const delivery = (await webhooks("clover", s.cursor)).find((d) => d.body.includes(verificationCode))!;
    const ordersBefore = (await env.DB.prepare(`SELECT count(*) AS n FROM orders`).first<{ n: number }>())?.n;
    expect(delivery.headers["X-Clover-Auth"]).toBeUndefined();
    const res = await post(delivery);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ignored", topic: "verification" });
    const kept = await env.DB.prepare(`SELECT reason FROM quarantine WHERE raw LIKE ?`).bind(`%${verificationCode}%`).first<{ reason: string }>();
    expect(kept?.reason).toMatch(/verification code/);
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM orders`).first<{ n: number }>())?.n).toBe(ordersBefore);
    s.cursor = delivery.seq;
  });
});
