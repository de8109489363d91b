// Lightspeed X-Series passes the source conformance suite on hand-written vendor-format fixtures, and sweeps its simulator.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { lightspeedXSeries } from "../../workers/connectors/sources/lightspeed-x-series";
import { normalizeSale } from "../../workers/connectors/sources/lightspeed-x-series/normalize";
import { formBody, signXSeriesWebhook } from "../../workers/sandbox/simulators/lightspeed-x-series/webhooks";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

type Json = Record<string, unknown>;
const files = import.meta.glob("../fixtures/lightspeed-x-series/*.json", { eager: true, import: "default" }) as Record<string, Json>;
const fixture = (name: string): Json => structuredClone(files[Object.keys(files).find((k) => k.endsWith(`/${name}`))!]!);
const webhookFixtures = Object.keys(files).map((k) => k.split("/").pop()!).filter((n) => n.startsWith("webhook-")).sort();

/** Exact decimal sum of JSON numbers, as a plain string (the vendor's own total: price + tax). */
function decimalSum(...values: number[]): string {
  const scaled = values.reduce((n, v) => n + BigInt(Math.round(v * 1e5)), 0n);
  const neg = scaled < 0n;
  const abs = (neg ? -scaled : scaled).toString().padStart(6, "0");
  return `${neg ? "-" : ""}${abs.slice(0, -5)}.${abs.slice(-5)}`;
}

const SECRET = "conformance-x-series-client-secret";
const CURRENCY: Record<string, string> = {
  "webhook-closed-split-tender.json": "NZD",
  "webhook-layby-deposit.json": "AUD",
  "webhook-voided.json": "NZD",
  "webhook-return.json": "NZD",
};

/** A return's vendor total is what went back to the customer: minus its (negative) sale total. */
function vendorTotal(name: string, payload: Json) {
  const total = decimalSum(Number(payload.total_price), Number(payload.total_tax));
  return { amount: payload.return_for ? decimalSum(-Number(payload.total_price), -Number(payload.total_tax)) : total, currency: CURRENCY[name]! };
}

// Each fixture has its own currency, so each gets its own run of the suite (the connection config names the currency).
for (const name of webhookFixtures) {
  const f = fixture(name);
  const payload = f.payload as Json;
  const body = formBody(payload, f.form as Record<string, string>);
  const fixtures: SourceFixture[] = [{ name, topic: "sale.update", body, vendorTotal: vendorTotal(name, payload) }];
  describe(name, () => {
    describeSourceConformance({
      connector: lightspeedXSeries,
      secret: SECRET,
      sign: (b) => signXSeriesWebhook({ url: "https://mesh.example/webhooks/lightspeed-x-series/c1", secret: SECRET, body: b }),
      fixtures,
      config: { domainPrefix: "demostore", currency: CURRENCY[name] },
      alsoEmits: { "sale.update": ["refund.created"] },
    });
  });
}

function input(headers: Record<string, string>, body: string) {
  return { raw: new TextEncoder().encode(body), headers: new Headers(headers), url: "https://mesh.example/webhooks/lightspeed-x-series/c1", now: new Date() };
}

describe("X-Series specifics", () => {
  it("accepts the signature hex or base64 (encoding unverified) and rejects other algorithms", async () => {
    const f = fixture("webhook-voided.json");
    const body = formBody(f.payload, f.form as Record<string, string>);
    const d = await signXSeriesWebhook({ url: "u", secret: SECRET, body });
    const hex = /signature=([0-9a-f]+)/.exec(d.headers["X-Signature"]!)![1]!;
    const b64 = btoa(String.fromCharCode(...hex.match(/../g)!.map((h) => parseInt(h, 16))));
    const hook = lightspeedXSeries.webhook!;
    expect(await hook.verify(input({ "X-Signature": `algorithm=HMAC-SHA256, signature=${b64}` }, body), SECRET)).toEqual({ ok: true });
    expect((await hook.verify(input({ "X-Signature": `signature=${hex},algorithm=HMAC-SHA1` }, body), SECRET)).ok).toBe(false);
  });

  it("splits 5-decimal excl.-tax prices into whole cents that add up to what the customer paid", () => {
    const f = fixture("webhook-closed-split-tender.json");
    const [e] = lightspeedXSeries.normalize({ topic: "sale.update", payload: { type: "sale.update", payload: f.payload }, connectionId: "c1", receivedAt: "", config: { currency: "NZD" } });
    if (e?.kind !== "order") throw new Error("expected an order");
    const payments = (f.payload as { register_sale_payments: { amount: number }[] }).register_sale_payments;
    const paid = Math.round(payments.reduce((n, p) => n + p.amount * 100, 0));
    expect(e.order.totals.total).toBe(paid);
    expect(e.order.payments.map((p) => p.amount)).toEqual(payments.map((p) => Math.round(p.amount * 100)));
    // Each line (net + its tax) is the tax-inclusive price the shelf showed: 2 × 10.00 and 0.375 kg × 30.00.
    expect(e.order.lines.map((l) => l.grossAmount - (l.discounts[0]?.amount ?? 0) + l.taxes.reduce((n, t) => n + t.amount, 0))).toEqual([2000, 1125]);
    expect(e.order.lines[1]!.quantity).toBe("0.375");
    expect(e.order.status).toBe("completed");
    expect(e.order.financialStatus).toBe("paid");
  });

  it("maps a lay-by to pending and partially paid, and a voided sale to cancelled", () => {
    const norm = (name: string, currency: string) => {
      const [e] = lightspeedXSeries.normalize({ topic: "sale.update", payload: { type: "sale.update", payload: fixture(name).payload }, connectionId: "c1", receivedAt: "", config: { currency } });
      if (e?.kind !== "order") throw new Error("expected an order");
      return e.order;
    };
    expect(norm("webhook-layby-deposit.json", "AUD")).toMatchObject({ status: "pending", financialStatus: "partially_paid" });
    expect(norm("webhook-voided.json", "NZD")).toMatchObject({ status: "cancelled", financialStatus: "voided" });
  });

  it("turns a return into a refund of the sale it returns, routed to that sale", async () => {
    const f = fixture("webhook-return.json");
    const payload = f.payload as Json;
    const body = formBody(payload, f.form as Record<string, string>);
    const hook = lightspeedXSeries.webhook!;
    const id = hook.identify(input({}, body), hook.parse(input({}, body)));
    expect(id.sourceOrderId).toBe(payload.return_for);
    const [e] = lightspeedXSeries.normalize({ topic: "sale.update", payload: hook.parse(input({}, body)), connectionId: "c1", receivedAt: "", config: { currency: "NZD" } });
    expect(e).toMatchObject({ kind: "refund", sourceOrderId: payload.return_for, refund: { total: 1000, lines: [{ quantity: "1", amount: 870, tax: 130 }] } });
  });

  it("normalizes an API 2.0 sale (the sweep's shape) with its discount and sales tax", () => {
    const sale = fixture("sale-2.0-closed-discount.json").data as Json & { payments: { amount: number }[] };
    const e = normalizeSale(sale, "order.updated", "c1", "USD");
    if (e.kind !== "order") throw new Error("expected an order");
    expect(e.order.totals).toMatchObject({ total: Math.round(sale.payments[0]!.amount * 100), tax: 222, discounts: 250 });
    expect(e.order.lines[0]!.taxes[0]).toMatchObject({ title: "NY sales tax", rate: "0.08875", amount: 133 });
  });
});

// ---------------------------------------------------------------- against the simulator

const TOKEN = "demo-lightspeed-x-series-token";
const ctx = (accessToken = TOKEN, pollPageSize?: number) =>
  connectorContext(lightspeedXSeries, {
    config: { domainPrefix: "demostore", currency: "USD", ...(pollPageSize ? { pollPageSize } : {}) },
    credentials: { clientSecret: "demo-lightspeed-x-series-secret", accessToken },
  });

function seedRecord(id: string, invoice: string): Json {
  return { ...(fixture("sale-2.0-closed-discount.json").data as Json), id, invoice_number: invoice };
}

describe("X-Series sweep against the simulator", () => {
  const run = crypto.randomUUID().slice(0, 8);

  it("pages by version: every seeded sale once, then nothing new after the cursor", async () => {
    const start = await lightspeedXSeries.poll!(ctx(TOKEN, 1000), null);
    let cursor = start.cursor;
    let more = start.hasMore;
    while (more) {
      const r = await lightspeedXSeries.poll!(ctx(TOKEN, 1000), cursor);
      cursor = r.cursor;
      more = r.hasMore;
    }
    const ids = [0, 1, 2].map((k) => `${run}-0000-4000-8000-00000000000${k}`);
    for (const [k, id] of ids.entries()) await sandbox("/_seed/lightspeed-x-series/orders", seedRecord(id, `T-${run}-${k}`));
    const seen: string[] = [];
    for (let page = 0; page < 20; page++) {
      const r = await lightspeedXSeries.poll!(ctx(TOKEN, 2), cursor);
      seen.push(...r.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : "")));
      cursor = r.cursor;
      if (!r.hasMore) break;
    }
    for (const id of ids) expect(seen.filter((s) => s === id)).toHaveLength(1);
    const after = await lightspeedXSeries.poll!(ctx(TOKEN, 2), cursor);
    expect(after.events.filter((e) => e.kind === "order" && ids.includes(e.order.sourceOrderId))).toEqual([]);
  });

  it("sweeps a return as a refund of its sale", async () => {
    const id = `${run}-0000-4000-8000-0000000000a1`;
    await sandbox("/_seed/lightspeed-x-series/orders", seedRecord(id, `T-${run}-R`));
    const original = (fixture("sale-2.0-closed-discount.json").data as { line_items: { id: string }[] }).line_items[1]!.id;
    const ret = await sandbox<{ version: number }>(`/lightspeed-x-series/_sim/sales/${id}/return`, { lines: [{ id: original, quantity: 1 }] });
    const r = await lightspeedXSeries.poll!(ctx(), JSON.stringify({ after: ret.version - 1 }));
    expect(r.events).toEqual([expect.objectContaining({ kind: "refund", sourceOrderId: id, refund: expect.objectContaining({ total: 1000 + 89 }) })]);
  });

  it("turns a wrong token into ConnectorError kind auth", async () => {
    const err = await lightspeedXSeries.poll!(ctx("nope"), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("auth");
  });
});
