// The seeded fault simulation (issue 6 §2): a short run in `npm test`, longer ones with `npm run simulate`.
// Seeds that ever failed are listed here and replayed forever after.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { formatReport, formatTiming, simulate, type SimulationOptions } from "./simulation";

const REGRESSION_SEEDS: number[] = [];

const seed = Number(env.SIMULATE_SEED || 1);
const minutes = Number(env.SIMULATE_MINUTES || 0);

/**
 * `npm test`: 80 steps of one action each, as fast as they go. `npm run simulate -- --minutes M`: 120 steps a minute of
 * six actions each (about 200 orders a minute with their lifecycles and stock moves), sweeping a seventh as often per
 * step; the Xero tenant's minute runs 20 times faster (its 60 calls a minute would pace the web shop), the settle phase
 * comes on top.
 */
function options(s: number): SimulationOptions {
  if (minutes <= 0) return { seed: s, steps: 80, orders: { shopify: 6, woocommerce: 3, "lightspeed-retail": 6 } };
  const orders = { shopify: Math.ceil(90 * minutes), woocommerce: Math.ceil(70 * minutes), "lightspeed-retail": Math.ceil(90 * minutes) };
  const settleBudgetMs = Math.max(90_000, (orders.shopify + orders.woocommerce + orders["lightspeed-retail"]) * 1_000);
  return { seed: s, steps: Math.round(minutes * 120), actionsPerStep: 6, paceMs: 500, sweepRate: 0.15, xeroTimeScale: 20, orders, settleBudgetMs };
}

// `npm run simulate` runs its one seed; `npm test` replays every regression seed after it.
const seeds = minutes > 0 ? [seed] : [seed, ...REGRESSION_SEEDS.filter((x) => x !== seed)];

describe("fault simulation", () => {
  for (const s of seeds) {
    const opts = options(s);
    // The traffic phase (up to three times as long when the mesh falls behind its pace), the settle budget, and a margin.
    const timeout = (opts.steps * (opts.paceMs ?? 0) * 3 + (opts.settleBudgetMs ?? 90_000) + 120_000) | 0;
    it(`seed ${s}: nothing lost, nothing duplicated, no cent drift, every location and stock level as the platform's`, { timeout }, async () => {
      const report = await simulate(opts);
      console.log(formatReport(report));
      console.log(formatTiming(report));
      expect(report.problems).toEqual([]);
      expect(report.orders).toBeGreaterThan(0);
      expect(report.events).toBeGreaterThan(0);
      expect(report.locations).toBeGreaterThan(1);
      expect(report.stockMoves).toBeGreaterThan(0);
      expect(report.duplicateDocuments).toBe(0);
      expect(report.missing).toBe(0);
      expect(report.centDrift).toBe(0);
      expect(report.statusMismatch).toBe(0);
      expect(report.locationMismatch).toBe(0);
      expect(report.stockDrift).toBe(0);
    });
  }
});
