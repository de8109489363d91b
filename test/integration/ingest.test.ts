// The HTTP edge: size cap, unknown connections, signatures on raw bytes, quarantine, unknown topics, dedup.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { hmac, toBase64, utf8 } from "../../shared/webhooks/signature";
import { saveConnection } from "../../workers/connections";
import { adminFetch, connect } from "../helpers/mesh";
import { shopifyResponse } from "../helpers/specs";

const URL_BASE = "http://localhost:8787/webhooks/shopify/demo-shopify";
const SECRET = "demo-shopify-secret";

async function signed(body: string, topic = "orders/create", extra: Record<string, string> = {}, secret = SECRET): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "x-shopify-topic": topic,
    "x-shopify-hmac-sha256": toBase64(await hmac(secret, utf8(body))),
    "x-shopify-shop-domain": "demo-shop.myshopify.com",
    "x-shopify-api-version": "2024-04",
    "x-shopify-webhook-id": crypto.randomUUID(),
    "x-shopify-event-id": crypto.randomUUID(),
    "x-shopify-triggered-at": new Date().toISOString(),
    ...extra,
  };
}

function orderBody(id: number, name: string): string {
  const { order } = shopifyResponse<{ order: Record<string, unknown> }>("order.test_8.GET.json");
  return JSON.stringify({ ...order, id, name, order_number: Number(name.replace(/\D/g, "")) || 1 });
}

async function count(table: string, where = "1=1", ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(...binds).first<{ n: number }>();
  return row?.n ?? 0;
}

beforeAll(async () => {
  await connect(["shopify"], []);
});

describe("webhook edge", () => {
  it("stores a verified order and answers 200", async () => {
    const body = orderBody(910001, "#910001");
    const res = await SELF.fetch(URL_BASE, { method: "POST", headers: await signed(body), body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "applied", revision: 1 });
    const snap = await env.ORDER_ACTOR.getByName("demo-shopify:910001").snapshot();
    expect(snap?.order?.orderNumber).toBe("#910001");
  });

  it("answers 401 to a one-byte tamper and stores nothing", async () => {
    const body = orderBody(910002, "#910002");
    const headers = await signed(body);
    const tampered = body.replace('"#910002"', '"#910003"');
    const res = await SELF.fetch(URL_BASE, { method: "POST", headers, body: tampered });
    expect(res.status).toBe(401);
    expect(await env.ORDER_ACTOR.getByName("demo-shopify:910002").snapshot()).toBeNull();
    expect(await env.ORDER_ACTOR.getByName("demo-shopify:910003").snapshot()).toBeNull();
  });

  it("answers 401 when the signature header is missing or signed with another secret", async () => {
    const body = orderBody(910004, "#910004");
    const headers = await signed(body);
    delete headers["x-shopify-hmac-sha256"];
    expect((await SELF.fetch(URL_BASE, { method: "POST", headers, body })).status).toBe(401);
    const wrong = await signed(body, "orders/create", {}, "some-other-connections-secret");
    expect((await SELF.fetch(URL_BASE, { method: "POST", headers: wrong, body })).status).toBe(401);
    expect(await env.ORDER_ACTOR.getByName("demo-shopify:910004").snapshot()).toBeNull();
  });

  it("one connection's secret never verifies another connection's webhooks", async () => {
    await saveConnection(env, {
      id: "other-shop", slug: "shopify", name: "Other shop", config: { shopDomain: "other.myshopify.com" },
      credentials: { webhookSecret: "other-shop-secret", accessToken: "x" }, baseUrl: "http://localhost:8788/shopify",
    });
    const body = orderBody(910005, "#910005");
    const res = await SELF.fetch("http://localhost:8787/webhooks/shopify/other-shop", { method: "POST", headers: await signed(body), body });
    expect(res.status).toBe(401);
    const ok = await SELF.fetch("http://localhost:8787/webhooks/shopify/other-shop", { method: "POST", headers: await signed(body, "orders/create", {}, "other-shop-secret"), body });
    expect(ok.status).toBe(200);
  });

  it("answers 404 for an unknown connection or a connection of another platform", async () => {
    const body = orderBody(910006, "#910006");
    expect((await SELF.fetch("http://localhost:8787/webhooks/shopify/nope", { method: "POST", headers: await signed(body), body })).status).toBe(404);
    expect((await SELF.fetch("http://localhost:8787/webhooks/woocommerce/demo-shopify", { method: "POST", headers: await signed(body), body })).status).toBe(404);
  });

  it("answers 413 past 1 MiB, declared or streamed, and stores nothing", async () => {
    const big = "x".repeat(1_048_577);
    const res = await SELF.fetch(URL_BASE, { method: "POST", headers: await signed(big), body: big });
    expect(res.status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 17; i++) c.enqueue(utf8("y".repeat(65_536)));
        c.close();
      },
    });
    const res2 = await SELF.fetch(URL_BASE, { method: "POST", headers: { "x-shopify-topic": "orders/create" }, body: stream, duplex: "half" } as RequestInit);
    expect(res2.status).toBe(413);
  });

  it("quarantines a verified payload it cannot use, answers 2xx, and shows it in admin", async () => {
    const before = await count("quarantine", "connection_id = ?", "demo-shopify");
    const body = JSON.stringify({ id: 910007, name: "#910007", line_items: "not a list" });
    const res = await SELF.fetch(URL_BASE, { method: "POST", headers: await signed(body), body });
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(await count("quarantine", "connection_id = ?", "demo-shopify")).toBe(before + 1);
    const notJson = "{{{";
    const res2 = await SELF.fetch(URL_BASE, { method: "POST", headers: await signed(notJson), body: notJson });
    expect(res2.status).toBe(202);
    expect(await count("quarantine", "connection_id = ?", "demo-shopify")).toBe(before + 2);
    const page = await adminFetch("/admin/quarantine");
    expect(await page.text()).toContain("910007");
  });

  it("answers 2xx to an unknown topic, counts it and stores no order", async () => {
    const body = orderBody(910008, "#910008");
    const res = await SELF.fetch(URL_BASE, { method: "POST", headers: await signed(body, "carts/update"), body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ignored" });
    expect(await count("counters", "connection_id = ? AND name = ?", "demo-shopify", "ignored_topic:carts/update")).toBe(1);
    expect(await env.ORDER_ACTOR.getByName("demo-shopify:910008").snapshot()).toBeNull();
  });

  it("absorbs a redelivery (same event id) and an identical payload under a new event id", async () => {
    const body = orderBody(910009, "#910009");
    const headers = await signed(body);
    expect(await (await SELF.fetch(URL_BASE, { method: "POST", headers, body })).json()).toMatchObject({ status: "applied" });
    expect(await (await SELF.fetch(URL_BASE, { method: "POST", headers, body })).json()).toMatchObject({ status: "duplicate" });
    const again = await signed(body);
    expect(await (await SELF.fetch(URL_BASE, { method: "POST", headers: again, body })).json()).toMatchObject({ status: "duplicate" });
    const t = await env.ORDER_ACTOR.getByName("demo-shopify:910009").timeline();
    expect(t.events).toHaveLength(1);
    expect(t.duplicates).toBe(2);
    expect(t.chainValid).toBe(true);
  });
});
