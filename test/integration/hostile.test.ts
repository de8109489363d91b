// Hostile input and access (issue 6 §3): fuzzed webhooks never 5xx and store nothing unsigned; no secret leaks
// into D1, logs or admin pages; base-URL overrides cannot turn a connection into a request forger.
import { env, listDurableObjectIds, SELF } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { HttpClient } from "../../shared/connector/http";
import { hmac, toBase64, utf8 } from "../../shared/webhooks/signature";
import { assertBaseUrlAllowed, saveConnection } from "../../workers/connections";
import { CONNECTORS, sourceConnector } from "../../workers/connectors/registry";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { adminFetch, connect, deliverAll, eventually, inspect, sandbox } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const webhookSources = Object.values(CONNECTORS).filter((c) => c.kind === "source" && c.webhook).map((c) => c.slug);
const destinations = Object.values(CONNECTORS).filter((c) => c.kind === "destination" && DEMO_CONNECTIONS[c.slug]).map((c) => c.slug);
const logs: string[] = [];

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const orig = console[level].bind(console);
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      orig(...args);
    });
  }
  const sources = Object.values(CONNECTORS).filter((c) => c.kind === "source" && DEMO_CONNECTIONS[c.slug]).map((c) => c.slug);
  await connect(sources, destinations.filter((d) => d === "quickbooks-online"));
});

afterAll(() => vi.restoreAllMocks());

async function storedCounts() {
  const q = await env.DB.prepare(`SELECT (SELECT count(*) FROM quarantine) AS q, (SELECT count(*) FROM orders) AS o, (SELECT count(*) FROM stock) AS s`).first<{ q: number; o: number; s: number }>();
  return { ...q!, actors: (await listDurableObjectIds(env.ORDER_ACTOR)).length };
}

const headerName = fc.constantFrom(
  "x-shopify-topic", "x-shopify-hmac-sha256", "x-shopify-event-id", "x-shopify-webhook-id", "x-shopify-shop-domain",
  "x-shopify-api-version", "x-square-hmacsha256-signature", "x-wc-webhook-signature", "x-wc-webhook-topic",
  "x-signature", "toast-signature", "x-clover-auth", "content-type", "x-revel-signature",
);
const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.base64String({ maxLength: 64 }), fc.constantFrom("orders/create", "order.created", "sale.update", "application/json", "application/x-www-form-urlencoded"));
const body = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.json({ maxDepth: 4 }),
  fc.uint8Array({ maxLength: 4000 }).map((b) => new TextDecoder("latin1").decode(b)),
  fc.constantFrom("payload=%7B%22id%22%3A1%7D", '{"id":1,"line_items":[]}', "\u0000\uffff", "🙂".repeat(100)),
);

describe("fuzzed webhooks", () => {
  it("never answer 5xx and never store anything without a valid signature", async () => {
    expect(webhookSources.length).toBeGreaterThan(0);
    const before = await storedCounts();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...webhookSources), body, fc.dictionary(headerName, headerValue, { maxKeys: 8 }), async (slug, b, headers) => {
        const res = await SELF.fetch(`http://localhost:8787/webhooks/${slug}/demo-${slug}`, { method: "POST", headers, body: b });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
        expect([401, 404, 413]).toContain(res.status);
      }),
      { numRuns: 150, seed: 20261127 },
    );
    expect(await storedCounts()).toEqual(before);
  });

  it("bodies up to the cap with random bytes and no valid signature: 401 or 413, never 5xx", async () => {
    for (const size of [0, 1, 65_536, 1_048_576, 1_048_577]) {
      const res = await SELF.fetch("http://localhost:8787/webhooks/shopify/demo-shopify", {
        method: "POST", headers: { "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": "AAAA" }, body: new Uint8Array(size).fill(0x7b),
      });
      expect(res.status).toBe(size > 1_048_576 ? 413 : 401);
    }
  });

  it("correctly signed garbage is acknowledged (2xx) and quarantined, never 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("orders/create", "orders/updated", "refunds/create", "orders/paid"), async (b, topic) => {
        const res = await SELF.fetch("http://localhost:8787/webhooks/shopify/demo-shopify", {
          method: "POST",
          headers: {
            "x-shopify-topic": topic, "x-shopify-hmac-sha256": toBase64(await hmac("demo-shopify-secret", utf8(b))),
            "x-shopify-shop-domain": "demo-shop.myshopify.com", "x-shopify-api-version": "2024-04", "x-shopify-webhook-id": crypto.randomUUID(),
            "x-shopify-event-id": crypto.randomUUID(),
          },
          body: b,
        });
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(300);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it("a replayed delivery re-signed with another connection's secret is refused", async () => {
    const b = JSON.stringify(shopifyOrder(950001));
    const res = await SELF.fetch("http://localhost:8787/webhooks/shopify/demo-shopify", {
      method: "POST",
      headers: { "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": toBase64(await hmac("demo-woocommerce-secret", utf8(b))), "x-shopify-shop-domain": "x", "x-shopify-api-version": "2024-04", "x-shopify-webhook-id": "1" },
      body: b,
    });
    expect(res.status).toBe(401);
  });
});

describe("secrets at rest, in logs and in admin", () => {
  const secrets = () => Object.values(DEMO_CONNECTIONS).flatMap((c) => Object.values(c.credentials ?? {})).filter((v) => v.length >= 8);

  it("a flow runs end to end, then no credential appears in D1, the logs or any admin page", async () => {
    if (sourceConnector("shopify") && destinations.includes("quickbooks-online")) {
      const id = 950002;
      await sandbox("/_seed/shopify/orders", shopifyOrder(id, { updated_at: new Date().toISOString() }));
      await deliverAll("shopify");
      await eventually(async () => (await inspect("quickbooks-online")).some((d) => d.externalRef === `#${id}`), 20_000, "the document");
    }
    const tables = (await env.DB.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'`).all<{ name: string }>()).results;
    let dump = "";
    for (const t of tables) dump += JSON.stringify((await env.DB.prepare(`SELECT * FROM "${t.name}"`).all()).results);
    expect(dump).toContain("demo-shopify");
    const pages = ["/admin", "/admin/orders", "/admin/failures", "/admin/quarantine", "/admin/runs", "/admin/connections", "/admin/connections/demo-quickbooks-online/profile", "/admin/connections/demo-shopify/profile", "/admin/api/connections/demo-quickbooks-online", "/admin/api/connections", "/admin/api/orders", "/admin/api/failures", "/admin/api/quarantine"];
    let html = "";
    for (const p of pages) {
      const r = await adminFetch(p);
      expect(r.status).toBe(200);
      html += await r.text();
    }
    const rotated = (await env.DB.prepare(`SELECT credentials FROM connections`).all<{ credentials: string }>()).results;
    expect(rotated.every((r) => r.credentials.startsWith("v1."))).toBe(true);
    for (const s of secrets()) {
      expect(dump, `D1 holds ${s} in plain text`).not.toContain(s);
      expect(html, `admin shows ${s}`).not.toContain(s);
      expect(logs.join("\n"), `logs show ${s}`).not.toContain(s);
    }
  });

  it("admin refuses requests without valid credentials", async () => {
    for (const p of ["/admin/api/orders", "/admin/api/connections", "/admin/api/failures"]) {
      expect((await SELF.fetch(`http://localhost:8787${p}`)).status).toBe(401);
      expect((await SELF.fetch(`http://localhost:8787${p}`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
      expect((await SELF.fetch(`http://localhost:8787${p}`, { headers: { cookie: "om_admin=nope" } })).status).toBe(401);
    }
    expect((await SELF.fetch("http://localhost:8787/admin/api/reconcile", { method: "POST" })).status).toBe(401);
    const login = await SELF.fetch("http://localhost:8787/admin/login", { method: "POST", body: new URLSearchParams({ token: "wrong" }) });
    expect(login.status).toBe(401);
  });
});

describe("request forgery", () => {
  it("a base-URL override is accepted only for the sandbox allowlist", () => {
    expect(() => assertBaseUrlAllowed(env, "http://localhost:8788/quickbooks-online")).not.toThrow();
    for (const bad of ["http://169.254.169.254/latest/meta-data", "http://localhost:9999/", "https://evil.example/quickbooks-online", "http://localhost:8788.evil.example/", "https://localhost:8788/"]) {
      expect(() => assertBaseUrlAllowed(env, bad), bad).toThrow();
    }
  });

  it("storing a connection with a forbidden base URL is refused", async () => {
    await expect(
      saveConnection(env, { id: "forger", slug: "shopify", name: "x", config: { shopDomain: "a.myshopify.com" }, credentials: { webhookSecret: "s", accessToken: "t" }, baseUrl: "http://10.0.0.1/" }),
    ).rejects.toThrow(/ALLOWED_BASE_URL_OVERRIDES/);
    const r = await adminFetch("/admin/api/connections/forger2", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ slug: "shopify", name: "x", config: { shopDomain: "a.myshopify.com" }, credentials: { webhookSecret: "s", accessToken: "t" }, baseUrl: "http://127.0.0.1:22/" }),
    });
    expect(r.status).toBe(400);
  });

  it("connectors reach only their declared hosts (checked before any request leaves)", async () => {
    let sent = 0;
    for (const c of Object.values(CONNECTORS)) {
      const client = new HttpClient({ baseUrl: "https://attacker.example", allowedHosts: c.hosts, classify: () => null, fetch: async () => { sent++; return new Response("{}"); } });
      await expect(client.send({ method: "GET", url: "/x" })).rejects.toThrow(/not declared/);
      const first = c.hosts[0]!.replace("*.", "shop.");
      await expect(client.send({ method: "GET", url: `https://${first}.attacker.example/x` })).rejects.toThrow(/not declared/);
    }
    expect(sent).toBe(0);
  });
});
