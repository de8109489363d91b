// The seeded fault simulation (issue 6 §2): a short run in `npm test`, longer ones with `npm run simulate`.
// Seeds that ever failed are listed here and replayed forever after.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { formatReport, simulate } from "./simulation";

const REGRESSION_SEEDS: number[] = [];

const seed = Number(env.SIMULATE_SEED || 1);
// `npm test` runs a short simulation (15 s of traffic, at most 30 orders, then the settle phase); `npm run simulate`
// runs M minutes with no cap on orders.
const seconds = Math.round(Number(env.SIMULATE_MINUTES || 0) * 60) || 15;

const destinations = ["quickbooks-online"];
const tenants: Record<string, string> = { "quickbooks-online": "5550001111" };
const config = { "quickbooks-online": { realmId: tenants["quickbooks-online"] } };

describe("fault simulation", () => {
  for (const s of [seed, ...REGRESSION_SEEDS.filter((x) => x !== seed)]) {
    it(`seed ${s}: nothing lost, nothing duplicated, no cent drift`, { timeout: (seconds + 600) * 1000 }, async () => {
      const report = await simulate({ seed: s, seconds, destinations, tenants, config, maxOrders: env.SIMULATE_MINUTES ? undefined : 30 });
      console.log(formatReport(report));
      expect(report.problems).toEqual([]);
      expect(report.orders).toBeGreaterThan(0);
      expect(report.events).toBeGreaterThan(report.orders);
      expect(report.duplicateDocuments).toBe(0);
      expect(report.missing).toBe(0);
      expect(report.centDrift).toBe(0);
    });
  }
});
