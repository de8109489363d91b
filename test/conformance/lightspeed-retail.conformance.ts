// Lightspeed Retail passes the source conformance suite on its vendor-format fixtures, and polls and fetches its simulator.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { toMinor } from "../../shared/model/money";
import { lightspeedRetail } from "../../workers/connectors/sources/lightspeed-retail";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

type Json = Record<string, unknown>;
const files = import.meta.glob("../fixtures/lightspeed-retail/*.json", { eager: true, import: "default" }) as Record<string, { Sale: Json }>;

function sale(file: string): Json {
  const key = Object.keys(files).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no Lightspeed fixture ${file}`);
  return structuredClone(files[key]!.Sale);
}

/** What the customer handed over for a Sale: total plus tips (tips ride on the payments, outside Sale.total). */
function vendorTotal(s: Json): { amount: string; currency: string } {
  const cents = toMinor(String(s.total), "USD") + toMinor(String(s.calcTips ?? "0"), "USD");
  return { amount: (cents / 100).toFixed(2), currency: "USD" };
}

const SALES = ["sale-two-taxes.json", "sale-line-discount.json", "sale-voided.json"];
const fixtures: SourceFixture[] = SALES.map((file) => ({ name: file, topic: "Sale", body: JSON.stringify(sale(file)), vendorTotal: vendorTotal(sale(file)) }));

describeSourceConformance({
  connector: lightspeedRetail,
  secret: "",
  fixtures,
  config: { accountId: "183701", currency: "USD" },
});

// This file's own account in the shared sandbox: its Sales, its bucket, its faults.
const ACCOUNT = "183701";
const config = { accountId: ACCOUNT, currency: "USD" };
const ctx = () => connectorContext(lightspeedRetail, { config, credentials: { accessToken: "demo-lightspeed-retail-token" } });

/** Seeds a fixture Sale as rung up now (no saleID, no timeStamp: the simulator assigns both). */
async function seedSale(file: string): Promise<Json> {
  const { saleID: _id, timeStamp: _ts, updatetime: _u, ...rest } = sale(file);
  const lines = (rest.SaleLines as { SaleLine: Json[] | Json }).SaleLine;
  const fresh = (Array.isArray(lines) ? lines : [lines]).map(({ saleLineID: _l, saleID: _s, ...l }) => l);
  return sandbox<Json>(`/_seed/lightspeed-retail/orders?accountId=${ACCOUNT}`, { ...rest, SaleLines: { SaleLine: fresh } });
}

async function drain(cursor: string | null, pageSize?: number): Promise<{ events: Awaited<ReturnType<NonNullable<typeof lightspeedRetail.poll>>>["events"]; cursor: string; pages: number }> {
  const c = ctx();
  if (pageSize) c.connection.config = { ...config, pollPageSize: pageSize };
  const events = [];
  let pages = 0;
  for (;;) {
    const page = await lightspeedRetail.poll!(c, cursor);
    pages++;
    events.push(...page.events);
    cursor = page.cursor;
    if (!page.hasMore) return { events, cursor, pages };
  }
}

describe("Lightspeed Retail against its simulator", () => {
  it("finds a sale rung up just now on the very first sweep (no cursor yet), to the cent", async () => {
    const seeded = await seedSale("sale-two-taxes.json");
    const { events, cursor } = await drain(null);
    const found = events.find((e) => e.kind === "order" && e.order.sourceOrderId === seeded.saleID);
    expect(found?.kind).toBe("order");
    if (found?.kind === "order") {
      expect(found.order.totals.total).toBe(toMinor(String(seeded.total), "USD"));
      // customSku first, the system SKU when the shop set none.
      expect(found.order.lines.map((l) => l.sku)).toEqual(["SAFFRON-1G", "210000000041"]);
    }
    // The persisted cursor starts the next sweep a few minutes before the newest Sale seen, not at the first sweep's start.
    const since = Date.parse(JSON.parse(cursor).since);
    expect(since).toBeGreaterThan(Date.now() - 60 * 60_000);
    expect(since).toBeLessThanOrEqual(Date.parse(String(seeded.timeStamp)));
  });

  it("follows @attributes.next page by page and misses nothing", async () => {
    const seeded = [await seedSale("sale-line-discount.json"), await seedSale("sale-voided.json"), await seedSale("sale-two-taxes.json")];
    const { events, pages } = await drain(null, 1);
    expect(pages).toBeGreaterThanOrEqual(3);
    const ids = new Set(events.flatMap((e) => (e.kind === "order" ? [e.order.sourceOrderId] : [])));
    for (const s of seeded) expect(ids).toContain(s.saleID);
    const voided = events.find((e) => e.kind === "order" && e.order.sourceOrderId === seeded[1]!.saleID);
    expect(voided?.kind === "order" && voided.order.status).toBe("cancelled");
  });

  it("turns a register return into a refund of the original sale", async () => {
    const original = await seedSale("sale-two-taxes.json");
    const lines = (original.SaleLines as { SaleLine: Json[] }).SaleLine;
    const ret = await sandbox<Json>(`/lightspeed-retail/_sim/sales/${original.saleID}/return?accountId=${ACCOUNT}`, { lines: [{ saleLineID: lines[1]!.saleLineID, quantity: 1 }] });
    const events = await lightspeedRetail.fetchOrder!(ctx(), String(ret.saleID));
    expect(events).toHaveLength(1);
    const refund = events[0]!;
    expect(refund.kind).toBe("refund");
    if (refund.kind === "refund") {
      expect(refund.sourceOrderId).toBe(original.saleID);
      expect(refund.refund.total).toBe(-toMinor(String(ret.total), "USD"));
      expect(refund.refund.lines.map((l) => l.lineId)).toEqual([lines[1]!.saleLineID]);
    }
  });

  it("fetches one Sale by id", async () => {
    const seeded = await seedSale("sale-line-discount.json");
    const [event] = await lightspeedRetail.fetchOrder!(ctx(), String(seeded.saleID));
    expect(event?.kind === "order" && event.order.totals.total).toBe(toMinor(String(seeded.total), "USD"));
  });

  it("reports a bad token as auth and a full bucket as rate_limited with the wait", async () => {
    const bad = connectorContext(lightspeedRetail, { config, credentials: { accessToken: "not-a-token" } });
    await expect(lightspeedRetail.poll!(bad, null)).rejects.toMatchObject({ kind: "auth", status: 401 });
    await sandbox("/_faults/lightspeed-retail", { match: `/Account/${ACCOUNT}/`, rateLimited: 1, retryAfterSeconds: 7 });
    const err = await lightspeedRetail.poll!(ctx(), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 7, vendorCode: "RateLimitedException" });
  });
});
