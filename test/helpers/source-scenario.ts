// The source → QuickBooks Online scenario the source integration tests share: one demo connection pair, the source's
// webhook outbox read from a cursor (or the cron sweep for polled sources), and the QuickBooks documents of one order.
import { env } from "cloudflare:test";
import { beforeAll, expect } from "vitest";
import { pollConnection } from "../../workers/reconcile/poll";
import { connect, deliverAll, eventually, inspect, type InspectDoc, webhooks } from "./mesh";

const DESTINATION = "quickbooks-online";
const SALES = ["SalesReceipt", "Invoice"];
const REFUNDS = ["RefundReceipt", "CreditMemo"];

export class SourceScenario {
  /** The last webhook of the source's outbox already delivered (or skipped). */
  cursor = 0;

  /** Registers the `beforeAll` connecting demo `slug` to QuickBooks; `pushed` sources also start reading their outbox. */
  constructor(readonly slug: string, pushed: boolean) {
    beforeAll(async () => {
      await connect([slug], [DESTINATION]);
      if (pushed) this.cursor = (await webhooks(slug)).at(-1)?.seq ?? 0;
    });
  }

  /** Delivers what the simulator queued since the last call, exactly as the vendor would post it; every answer must be 200. */
  async deliverNew(): Promise<void> {
    const r = await deliverAll(this.slug, this.cursor);
    for (const s of r.statuses) expect(s).toBe(200);
    this.cursor = r.last;
  }

  /** Runs the cron sweep of the demo connection once; its stats. */
  sweep(): ReturnType<typeof pollConnection> {
    return pollConnection(env, `demo-${this.slug}`);
  }

  /** The QuickBooks documents the mesh wrote for the source order `orderId`. */
  async docs(orderId: string): Promise<InspectDoc[]> {
    return (await inspect(DESTINATION)).filter((d) => JSON.stringify(d.raw).includes(`om:demo-${this.slug}:${orderId}`));
  }

  /** The order's sales documents (SalesReceipt or Invoice). */
  async sales(orderId: string): Promise<InspectDoc[]> {
    return (await this.docs(orderId)).filter((d) => SALES.includes(d.kind));
  }

  /** The order's refund documents (RefundReceipt or CreditMemo). */
  async refunds(orderId: string): Promise<InspectDoc[]> {
    return (await this.docs(orderId)).filter((d) => REFUNDS.includes(d.kind));
  }

  /** Waits (20 s at most) for the order's first sales documents. */
  firstSales(orderId: string): Promise<InspectDoc[]> {
    return eventually(async () => {
      const d = await this.sales(orderId);
      return d.length > 0 ? d : undefined;
    }, 20_000, "the QuickBooks sales document");
  }

  /** Waits (20 s at most) for the order's first refund documents. */
  firstRefunds(orderId: string): Promise<InspectDoc[]> {
    return eventually(async () => {
      const c = await this.refunds(orderId);
      return c.length > 0 ? c : undefined;
    }, 20_000, "the refund document");
  }
}
