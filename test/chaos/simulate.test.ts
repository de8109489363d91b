// The seeded fault simulation (issue 6 §2): a short run in `npm test`, longer ones with `npm run simulate`.
// Seeds that ever failed are listed here and replayed forever after.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { formatReport, simulate } from "./simulation";

const REGRESSION_SEEDS: number[] = [];

const seed = Number(env.SIMULATE_SEED || 1);
const minutes = Number(env.SIMULATE_MINUTES || 0);
// `npm test`: 80 steps as fast as they go. `npm run simulate -- --minutes M`: 120 steps a minute spread over M minutes;
// the settle phase comes on top. The web shop (WooCommerce) feeds Xero, whose 60 requests a minute set the pace: it
// takes the fewest orders.
const steps = minutes > 0 ? Math.round(minutes * 120) : 80;
const paceMs = minutes > 0 ? 500 : 0;
const scale = minutes > 0 ? minutes * 2 : 1;
const orders = { shopify: Math.ceil(6 * scale), woocommerce: Math.ceil(3 * scale), "lightspeed-retail": Math.ceil(6 * scale) };

// `npm run simulate` runs its one seed; `npm test` replays every regression seed after it.
const seeds = minutes > 0 ? [seed] : [seed, ...REGRESSION_SEEDS.filter((x) => x !== seed)];

describe("fault simulation", () => {
  for (const s of seeds) {
    it(`seed ${s}: nothing lost, nothing duplicated, no cent drift`, { timeout: (steps + 600) * 1000 }, async () => {
      const report = await simulate({ seed: s, steps, orders, paceMs });
      console.log(formatReport(report));
      expect(report.problems).toEqual([]);
      expect(report.orders).toBeGreaterThan(0);
      expect(report.events).toBeGreaterThan(0);
      expect(report.duplicateDocuments).toBe(0);
      expect(report.missing).toBe(0);
      expect(report.centDrift).toBe(0);
      expect(report.statusMismatch).toBe(0);
    });
  }
});
