// Clover passes the source conformance suite on notifications written in Clover's documented format, and fetches and
// sweeps its simulator (orders to the cent, limit/offset pages, 404 for a deleted order).
import { describe, expect, it } from "vitest";
import type { PollResult } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { clover } from "../../workers/connectors/sources/clover";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

type Json = Record<string, unknown>;
type CloverOrder = Json & { id: string; total: number; modifiedTime: number; payments: { elements: Array<{ tipAmount?: number; result?: string }> } };

const files = import.meta.glob("../fixtures/clover/*.json", { eager: true, import: "default" }) as Record<string, unknown>;
function fixture<T = Json>(name: string): T {
  const key = Object.keys(files).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no Clover fixture ${name}`);
  return structuredClone(files[key]) as T;
}

const SECRET = "conformance-clover-auth-code";

const fixtures: SourceFixture[] = [
  ["notification.order-create.json", "O:CREATE"],
  ["notification.order-update.json", "O:UPDATE"],
  ["notification.order-delete.json", "O:DELETE"],
  // Several objects in one POST: the first names the topic; the mesh resolves each through identifyAll.
  ["notification.batch.json", "O:UPDATE"],
].map(([name, topic]) => ({ name: name!, topic: topic!, body: JSON.stringify(fixture(name!)) }));

describeSourceConformance({
  connector: clover,
  secret: SECRET,
  sign: (body) => ({ url: "https://mesh.example/webhooks/clover/c1", headers: { "Content-Type": "application/json", "X-Clover-Auth": SECRET }, body }),
  fixtures,
  staticAuthHeader: { header: "X-Clover-Auth", reason: "Clover sends a static auth code and no signature (https://docs.clover.com/docs/webhooks)" },
  config: { merchantId: "DEMOCLOVERMID" },
});

// ---------------------------------------------------------------- against the simulator

/**
 * Calls Clover as the mesh does: the simulator enforces Clover's 16 requests/s and 5 concurrent per token, and test
 * files share one token, so a rate_limited answer is retried after the delay it names.
 */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== "rate_limited" || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, (err.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

/** A raw GET's status, waiting out Clover's per-token limit the same way. */
async function statusOf(url: string, token: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 429 || attempt >= 5) return res.status;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const TOKEN = "demo-clover-token";
const MERCHANT = "DEMOCLOVERMID";
const ctx = (accessToken = TOKEN, pollPageSize?: number) =>
  connectorContext(clover, { config: { merchantId: MERCHANT, apiHost: "api.clover.com", ...(pollPageSize ? { pollPageSize } : {}) }, credentials: { accessToken, authCode: "demo-clover-secret" } });

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const runTag = Array.from({ length: 6 }, () => ALPHABET[Math.floor(Math.random() * 32)]).join("");
/** A 13-character Clover id unique to this run. */
const cid = (kind: string, k: number) => `${kind}${runTag}${String(k).padStart(13 - kind.length - runTag.length, "0")}`;

/** A fixture order re-keyed (order, line, payment and refund ids) so this run never collides with other seeds. */
function rekeyed(name: string, k: number, modifiedTime?: number): CloverOrder {
  const order = fixture<CloverOrder>(name);
  const id = cid("C", k);
  let text = JSON.stringify(order).replaceAll(order.id, id);
  const ids = new Set(text.match(/"id":"(LI|PAY|RFN)[A-Z0-9]+"/g) ?? []);
  let n = 0;
  for (const m of ids) text = text.replaceAll(m.slice(6, -1), cid(m.slice(6, 8) === "LI" ? "L" : m.slice(6, 9) === "PAY" ? "P" : "R", k * 10 + n++));
  const out = JSON.parse(text) as CloverOrder;
  if (modifiedTime !== undefined) out.modifiedTime = modifiedTime;
  return out;
}

/** What the customer paid: Clover's order total plus the tips recorded on its successful payments. */
const paidTotal = (o: CloverOrder) => o.total + o.payments.elements.filter((p) => (p.result ?? "SUCCESS") === "SUCCESS").reduce((n, p) => n + (p.tipAmount ?? 0), 0);

describe("Clover fetchOrder and the modifiedTime sweep against the simulator", () => {
  for (const [k, name] of ["order.paid.json", "order.open.json", "order.partially-refunded.json", "order.vat-weighed.json"].entries()) {
    it(`fetches ${name} as the canonical snapshot, total to the cent`, async () => {
      const record = rekeyed(name, k);
      await sandbox("/_seed/clover/orders", record);
      const [event] = await patiently(() => clover.fetchOrder!(ctx(), record.id));
      if (event?.kind !== "order") throw new Error("expected the order");
      expect(event.order.sourceOrderId).toBe(record.id);
      expect(event.order.currency).toBe(record.currency);
      expect(event.order.totals.total).toBe(paidTotal(record));
    });
  }

  it("sweeps modifiedTime with limit + offset, each order at least once and none missed, then resumes with overlap", async () => {
    const t0 = Date.UTC(2033, 0, 1) + Math.floor(Math.random() * 1e6) * 3_600_000;
    const seeded = [10, 11, 12, 13, 14].map((k, i) => rekeyed("order.paid.json", k, t0 + 60_000 * (i + 1)));
    for (const s of seeded) await sandbox("/_seed/clover/orders", s);
    const c = ctx(TOKEN, 2);
    const to = t0 + 3_600_000;
    let cursor: string | null = JSON.stringify({ from: t0, to, offset: 0 });
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const from: string | null = cursor;
      const r: PollResult = await patiently(() => clover.poll!(c, from));
      pages++;
      seen.push(...r.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : "")));
      cursor = r.cursor;
      if (!r.hasMore) break;
      expect(pages).toBeLessThan(20);
    }
    for (const s of seeded) expect(seen, s.id).toContain(s.id);
    expect(pages).toBe(3);
    expect(JSON.parse(cursor!)).toEqual({ from: to - 5 * 60_000, offset: 0 });
  });

  it("reads a deleted order (404) as nothing to ingest; a wrong token is kind auth", async () => {
    const record = rekeyed("order.open.json", 30);
    await sandbox("/_seed/clover/orders", record);
    await sandbox(`/clover/_sim/orders/${record.id}/delete`, {});
    expect(await patiently(() => clover.fetchOrder!(ctx(), record.id))).toEqual([]);
    const err = await clover.fetchOrder!(ctx("wrong-token"), record.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("auth");
  });

  it("refuses an orders query wider than Clover's 90-day window", async () => {
    const url = `http://localhost:8788/clover/v3/merchants/${MERCHANT}/orders?filter=modifiedTime>=0&filter=modifiedTime<=${91 * 86_400_000}`;
    expect(await statusOf(url, TOKEN)).toBe(400);
  });
});
