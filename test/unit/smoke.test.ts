import { SELF, env } from "cloudflare:test";
import { expect, it } from "vitest";
import { shopifyResponse } from "../helpers/specs";

it("boots", async () => {
  const r = await SELF.fetch("http://mesh/");
  expect(await r.text()).toBe("ordermesh");
  const s = await fetch("http://localhost:8788/");
  expect(s.status).toBe(200);
  const o = shopifyResponse<{ orders: unknown[] }>("order.test_1.GET.json");
  expect(o.orders.length).toBeGreaterThan(0);
  const tables = await env.DB.prepare("select name from sqlite_master where type='table'").all();
  expect(tables.results.map((r) => r.name)).toContain("links");
});
