// The conformance suite every source connector passes: signatures on raw bytes, identity, topics, normalization to the cent.
import { describe, expect, it } from "vitest";
import type { SourceConnector, WebhookInput } from "../../shared/connector/contract";
import { toMinor } from "../../shared/model/money";
import { CanonicalEvent, EventType } from "../../shared/model/order";

/** A delivery as the vendor would POST it: exact URL, headers and body bytes. */
export interface SignedDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SourceFixture {
  /** Shown in test names (the vendor file it came from). */
  name: string;
  /** The vendor topic / event type the payload is delivered under. */
  topic: string;
  /** The vendor-written payload, exactly as the webhook body (or poll record) carries it. */
  body: string;
  /** The vendor's own total for the order or refund in the payload; omitted for events without one (stock). */
  vendorTotal?: { amount: string | number; currency: string };
}

/** A request the vendor itself published as correctly signed (e.g. a test vector from its SDK). */
export interface SignatureVector {
  name: string;
  secret: string;
  url?: string;
  headers: Record<string, string>;
  body: string;
}

export interface SourceConformanceOptions {
  connector: SourceConnector;
  /** The webhook secret `sign` signs with. */
  secret: string;
  /** Produces a vendor-signed delivery of `body` (webhook sources only). */
  sign?: (body: string, meta: { topic: string; now: Date; eventId: string }) => SignedDelivery | Promise<SignedDelivery>;
  fixtures: SourceFixture[];
  vectors?: SignatureVector[];
  /** A one-byte change the signature must catch; by default one ASCII byte in the middle of the body is flipped. */
  tamper?: (delivery: SignedDelivery) => SignedDelivery;
  /**
   * For vendors that sign nothing and authenticate each delivery by a static code in a header (Clover's X-Clover-Auth):
   * the body cannot be protected, so instead of the body tamper the suite checks that a one-byte change of that
   * header's value is refused. `reason` says why the body is unsigned (shown in the test name).
   */
  staticAuthHeader?: { header: string; reason: string };
  /**
   * For vendors that sign a timestamp: turns a fresh delivery into one whose signed timestamp is too old.
   * When omitted, a delivery is signed `freshnessSeconds + 60` seconds in the past instead.
   */
  staleTimestamp?: (delivery: SignedDelivery) => SignedDelivery | Promise<SignedDelivery>;
  /** Non-secret connection config passed to normalize. */
  config?: Record<string, unknown>;
  /** Parses a fixture body for sources without webhooks (default JSON.parse). */
  parse?: (body: string) => unknown;
  /** Mapped topics the vendor publishes no sample for, each with the reason (every other mapped topic needs a fixture). */
  topicsWithoutFixtures?: Record<string, string>;
  /**
   * Other canonical event types a topic's payload may normalize to, besides the topic's own (X-Series `sale.update`
   * carries returns, which are refunds of the original sale: "refund.created").
   */
  alsoEmits?: Record<string, readonly EventType[]>;
}

const encoder = new TextEncoder();
const CONNECTION_ID = "conformance-connection";

type Deliverable = { url?: string; headers: Record<string, string> } & ({ body: string } | { raw: Uint8Array });

function input(d: Deliverable, now: Date): WebhookInput {
  const raw = "raw" in d ? d.raw : encoder.encode(d.body);
  return { raw, headers: new Headers(d.headers), url: d.url ?? "https://ordermesh.example/webhooks", now };
}

/** Flips the lowest bit of an ASCII byte near the middle of the body (stays valid UTF-8, changes the bytes). */
function flipOneByte(body: string): Uint8Array {
  const raw = encoder.encode(body);
  if (raw.length === 0) return encoder.encode(" ");
  for (let offset = 0; offset < raw.length; offset++) {
    const at = (Math.floor(raw.length / 2) + offset) % raw.length;
    if (raw[at]! < 0x80) {
      raw[at] = raw[at]! ^ 0x01;
      return raw;
    }
  }
  raw[0] = raw[0]! ^ 0x01;
  return raw;
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
}

export function describeSourceConformance(opts: SourceConformanceOptions): void {
  const c = opts.connector;
  const webhook = c.webhook;

  describe(`source conformance: ${c.slug}`, () => {
    describe("declaration", () => {
      it("declares itself as data: slug, version, hosts, credentials", () => {
        expect(c.kind).toBe("source");
        expect(c.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(c.apiVersion).not.toBe("");
        expect(c.docsUrl).toMatch(/^https:\/\//);
        expect(c.hosts.length).toBeGreaterThan(0);
        expect(new Set(c.credentialKeys).size).toBe(c.credentialKeys.length);
        if (webhook) expect(c.credentialKeys).toContain(webhook.secretKey);
      });

      it("declares exactly the capabilities it implements", () => {
        expect(c.capabilities.includes("webhooks")).toBe(webhook !== undefined);
        expect(c.capabilities.includes("poll")).toBe(typeof c.poll === "function");
        expect(c.capabilities.includes("fetchOrder")).toBe(typeof c.fetchOrder === "function");
        if (Object.values(c.topics).some((a) => a.kind === "fetch")) expect(typeof c.fetchOrder).toBe("function");
      });

      it("maps every topic to a canonical event type, a fetch, or nothing", () => {
        for (const [topic, action] of Object.entries(c.topics)) {
          expect(["event", "fetch", "ignore"], topic).toContain(action.kind);
          if (action.kind === "event") expect(EventType.safeParse(action.type).success, `${topic} → ${action.type}`).toBe(true);
        }
        const unknown = c.topics["ordermesh/conformance-unknown-topic"];
        expect(unknown === undefined || unknown.kind === "ignore").toBe(true);
      });

      it("has a fixture for every topic it maps to an event", () => {
        const covered = new Set(opts.fixtures.map((f) => f.topic));
        const events = Object.entries(c.topics).filter(([, a]) => a.kind === "event").map(([t]) => t);
        expect(events.filter((t) => !covered.has(t) && !opts.topicsWithoutFixtures?.[t])).toEqual([]);
      });
    });

    if (webhook) {
      const sign = opts.sign;
      if (!sign) throw new Error(`${c.slug} receives webhooks: the conformance suite needs a sign() function`);
      const signed = (f: SourceFixture, now = new Date(), eventId = crypto.randomUUID()) => Promise.resolve(sign(f.body, { topic: f.topic, now, eventId }));

      describe("webhook verification (raw bytes, constant-time helpers)", () => {
        it("declares the headers a delivery must carry", () => {
          expect(webhook.requiredHeaders.length).toBeGreaterThan(0);
        });

        for (const f of opts.fixtures) {
          describe(f.name, () => {
            it("accepts the vendor-signed delivery", async () => {
              const now = new Date();
              const d = await signed(f, now);
              expect(await webhook.verify(input(d, now), opts.secret)).toEqual({ ok: true });
            });

            const auth = opts.staticAuthHeader;
            if (auth) {
              it(`rejects a one-byte change of ${auth.header} (the body is unsigned: ${auth.reason})`, async () => {
                const now = new Date();
                const d = await signed(f, now);
                const name = Object.keys(d.headers).find((k) => k.toLowerCase() === auth.header.toLowerCase());
                expect(name, `the delivery carries ${auth.header}`).toBeDefined();
                const value = d.headers[name!]!;
                const flipped = new TextDecoder().decode(flipOneByte(value));
                expect(flipped).not.toBe(value);
                expect((await webhook.verify(input({ ...d, headers: { ...d.headers, [name!]: flipped } }, now), opts.secret)).ok).toBe(false);
              });
            } else {
              it("rejects a one-byte tamper of the body", async () => {
                const now = new Date();
                const d = await signed(f, now);
                const tampered = opts.tamper ? input(opts.tamper(d), now) : input({ url: d.url, headers: d.headers, raw: flipOneByte(d.body) }, now);
                expect(tampered.raw).not.toEqual(encoder.encode(d.body));
                expect((await webhook.verify(tampered, opts.secret)).ok).toBe(false);
              });
            }

            it("rejects a delivery missing any required header", async () => {
              const now = new Date();
              const d = await signed(f, now);
              const present = Object.keys(d.headers).map((k) => k.toLowerCase());
              for (const name of webhook.requiredHeaders) {
                expect(present, `sign() must send ${name}`).toContain(name.toLowerCase());
                const r = await webhook.verify(input({ ...d, headers: without(d.headers, name) }, now), opts.secret);
                expect(r.ok, `without ${name}`).toBe(false);
              }
            });

            it("rejects with an empty secret and with the wrong secret", async () => {
              const now = new Date();
              const d = await signed(f, now);
              expect((await webhook.verify(input(d, now), "")).ok).toBe(false);
              expect((await webhook.verify(input(d, now), `${opts.secret}-wrong`)).ok).toBe(false);
            });

            it("gives the same event id when the same delivery arrives again", async () => {
              const now = new Date();
              const d = await signed(f, now);
              const first = input(d, now);
              const again = input({ ...d, headers: { ...d.headers } }, new Date(now.getTime() + 60_000));
              const a = webhook.identify(first, webhook.parse(first));
              const b = webhook.identify(again, webhook.parse(again));
              expect(a.eventId).not.toBe("");
              expect(b.eventId).toBe(a.eventId);
              expect(a.topic).toBe(f.topic);
            });
          });
        }

        const freshness = webhook.freshnessSeconds;
        if (freshness !== undefined) {
          it(`rejects a signed timestamp older than ${freshness} s`, async () => {
            const f = opts.fixtures[0]!;
            const now = new Date();
            const stale = opts.staleTimestamp
              ? await opts.staleTimestamp(await signed(f, now))
              : await signed(f, new Date(now.getTime() - (freshness + 60) * 1000));
            expect((await webhook.verify(input(stale, now), opts.secret)).ok).toBe(false);
          });
        } else {
          it("signs no timestamp, so declares no freshness window and needs no stale-timestamp case", () => {
            expect(opts.staleTimestamp).toBeUndefined();
          });
        }

        for (const v of opts.vectors ?? []) {
          it(`verifies the vendor's published vector: ${v.name}`, async () => {
            const now = new Date();
            expect(await webhook.verify(input(v, now), v.secret)).toEqual({ ok: true });
            expect((await webhook.verify(input({ url: v.url, headers: v.headers, raw: flipOneByte(v.body) }, now), v.secret)).ok).toBe(false);
          });
        }
      });
    }

    describe("normalization (canonical schema, every cent)", () => {
      for (const f of opts.fixtures) {
        const action = c.topics[f.topic];
        if (action?.kind === "fetch") {
          it(`${f.name}: ${f.topic} is a thin notification, resolved by fetchOrder`, () => {
            expect(typeof c.fetchOrder).toBe("function");
          });
          continue;
        }
        it(`${f.name} (${f.topic})`, async () => {
          expect(action?.kind, `topic ${f.topic} must map to an event`).toBe("event");
          let payload: unknown;
          if (webhook && opts.sign) {
            const now = new Date();
            const d = await opts.sign(f.body, { topic: f.topic, now, eventId: crypto.randomUUID() });
            payload = webhook.parse(input(d, now));
          } else {
            payload = (opts.parse ?? JSON.parse)(f.body);
          }
          const events = c.normalize({
            topic: f.topic,
            payload,
            connectionId: CONNECTION_ID,
            receivedAt: new Date().toISOString(),
            config: opts.config ?? {},
          });
          expect(events.length).toBeGreaterThan(0);
          for (const e of events) {
            const parsed = CanonicalEvent.safeParse(e);
            expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
            // Already canonical (defaults applied): ingest stores what normalize returns without parsing it again.
            expect(parsed.data).toEqual(e);
            if (action?.kind === "event") expect([action.type, ...(opts.alsoEmits?.[f.topic] ?? [])]).toContain(e.type);
            if (e.kind === "order") {
              expect(e.order.source).toBe(c.slug);
              expect(e.order.connectionId).toBe(CONNECTION_ID);
            }
          }
          if (f.vendorTotal) {
            const { amount, currency } = f.vendorTotal;
            const money = events.find((e) => e.kind === "order" || e.kind === "refund");
            expect(money, "an order or refund event carrying the vendor total").toBeDefined();
            if (money?.kind === "order") {
              expect(money.order.currency).toBe(currency);
              expect(money.order.totals.total).toBe(toMinor(amount, currency));
            } else if (money?.kind === "refund") {
              expect(money.refund.total).toBe(toMinor(amount, currency));
            }
          }
        });
      }
    });
  });
}
