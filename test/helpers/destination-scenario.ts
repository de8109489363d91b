// The Shopify → destination scenario the destination integration tests share: one demo connection pair, one order of
// the file's own, its redelivered webhooks, a rate-limit storm, a one-line refund and the shipment.
import { env } from "cloudflare:test";
import { beforeAll, expect } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "./mesh";
import { shopifyOrder } from "./shopify-fixtures";

type ShopifyRefunds = { refunds?: Array<{ id: number; transactions: Array<{ amount: string }> }> };

export interface DestinationScenario {
  readonly slug: string;
  /** The Shopify order id of this file's order, and its order number (`#id`). */
  readonly id: number;
  readonly ref: string;
  /** Posts to the mesh what the Shopify simulator queued since the previous call (each answered 200). */
  deliverNew(): Promise<void>;
  /** The destination's documents of one of `kinds` whose external reference passes `ref`. */
  docs(kinds: string[], ref: (externalRef: string) => boolean): Promise<InspectDoc[]>;
  /** Seeds the paid order `orderId` (this file's by default) in Shopify and delivers its webhooks. */
  seedOrder(orderId?: number): Promise<{ total: number; firstLine: number }>;
  /** Posts every webhook of the order again, byte for byte, as Shopify redelivers them: there is one at least, each answered 200. */
  redeliver(): Promise<void>;
  /** Makes the destination answer 429 (Retry-After 1 s) to the next 2 requests whose URL or body contains `match`. */
  rateLimit(match: string): Promise<void>;
  /** The 429s of the storm still to be served. */
  rateLimitLeft(): Promise<number>;
  /** How many requests the destination simulator has throttled so far. */
  throttled(): Promise<number>;
  /** Refunds one unit of `lineId` in Shopify; the refund's id and total in minor units. */
  refund(lineId: number): Promise<{ id: number; total: number }>;
  /**
   * Starts a storm (`storm` a `match` for `rateLimit`, or its own start), then refunds one unit of `lineId` and delivers
   * the webhooks, so the mesh writes again while the storm lasts; the refund.
   */
  refundDuringStorm(lineId: number, storm: string | (() => Promise<void>)): Promise<{ id: number; total: number }>;
  /** Ships the order in Shopify (UPS, tracking 1Z999AA10123456784) and delivers the webhooks. */
  ship(): Promise<void>;
  /** The revision this destination's order link was last converged to. */
  syncedVersion(): Promise<number>;
}

/** Registers the `beforeAll` connecting demo Shopify to `slug`; the order id is drawn above `idBase`. */
export function destinationScenario(slug: string, idBase: number): DestinationScenario {
  const id = idBase + Math.floor(Math.random() * 90_000_000);
  let deliver: () => Promise<void>;
  beforeAll(async () => {
    await connect(["shopify"], [slug]);
    deliver = await newDeliveries("shopify");
  });
  const deliverNew = () => deliver();
  return {
    slug,
    id,
    ref: `#${id}`,
    deliverNew,
    docs: async (kinds, ref) => (await inspect(slug)).filter((d) => kinds.includes(d.kind) && ref(d.externalRef)),
    async seedOrder(orderId = id) {
      const order = shopifyOrder(orderId, { updated_at: new Date().toISOString() });
      const firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
      const total = toMinor(String(order.total_price), String(order.currency));
      await sandbox("/_seed/shopify/orders", order);
      await deliverNew();
      return { total, firstLine };
    },
    async redeliver() {
      const mine = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
      expect(mine.length).toBeGreaterThan(0);
      for (const d of mine) expect((await post(d)).status).toBe(200);
    },
    async rateLimit(match) {
      await sandbox(`/_faults/${slug}`, { rateLimited: 2, retryAfterSeconds: 1, match });
    },
    rateLimitLeft: async () => (await sandbox<{ rateLimited?: number }>(`/_faults/${slug}`)).rateLimited ?? 0,
    throttled: async () => (await sandbox<{ throttled?: number }>(`/_stats/${slug}`)).throttled ?? 0,
    async refund(lineId) {
      const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: lineId, quantity: 1 }] });
      const last = ((refunded.order ?? refunded).refunds ?? []).at(-1)!;
      return { id: last.id, total: last.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0) };
    },
    async refundDuringStorm(lineId, storm) {
      await (typeof storm === "string" ? this.rateLimit(storm) : storm());
      const refund = await this.refund(lineId);
      await deliverNew();
      return refund;
    },
    async ship() {
      await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
      await deliverNew();
    },
    async syncedVersion() {
      const row = await env.DB.prepare("SELECT synced_version AS v FROM links WHERE order_key = ? AND destination_connection_id = ? AND doc_key = 'order'")
        .bind(`demo-shopify:${id}`, `demo-${slug}`).first<{ v: number }>();
      return row?.v ?? 0;
    },
  };
}
