// Shopify's vendor-written fixtures (REST 2024-04 response bodies, HMAC test vector) from ../shared/specs, by kind.
const responses = import.meta.glob("../../../shared/specs/shopify/rest-2024-04-responses/*.json", { eager: true, import: "default" }) as Record<string, unknown>;
const vectors = import.meta.glob("../../../shared/specs/shopify/webhook-hmac-test-vector.json", { eager: true, import: "default" }) as Record<string, unknown>;

interface IndexEntry {
  file: string;
  method: string;
  path: string;
  query: string;
}

export interface ShopifyHmacVector {
  secret: string;
  raw_body: string;
  header: string;
  expected: string;
  other_headers_in_test: Record<string, string>;
}

export type Json = Record<string, unknown>;

function file(name: string): unknown {
  const key = Object.keys(responses).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no Shopify fixture ${name}`);
  return structuredClone(responses[key]);
}

/** INDEX.json: which request each response file answers. */
export function shopifyIndex(): IndexEntry[] {
  return file("INDEX.json") as IndexEntry[];
}

/**
 * Every full REST Order in the fixtures: GET …/orders.json and GET /orders/{id}.json responses (including a customer's
 * orders) requested without `fields` (a `fields` request returns a trimmed order, not what a webhook carries).
 */
export function shopifyFullOrders(): { name: string; order: Json }[] {
  return shopifyIndex()
    .filter((e) => e.method === "GET" && /\/orders(\/\d+)?\.json$/.test(e.path) && !/(^|&)fields=/.test(e.query))
    .flatMap((e) => {
      const body = file(e.file) as { order?: Json; orders?: Json[] };
      const orders = body.order ? [body.order] : (body.orders ?? []);
      return orders.map((order, i) => ({ name: orders.length > 1 ? `${e.file}[${i}]` : e.file, order }));
    });
}

/** Every Refund resource in the fixtures (GET and POST refunds; the /refunds/calculate.json suggestions are not refunds). */
export function shopifyRefunds(): { name: string; refund: Json }[] {
  return shopifyIndex()
    .filter((e) => /\/refunds(\/\d+)?\.json$/.test(e.path))
    .flatMap((e) => {
      const body = file(e.file) as { refund?: Json; refunds?: Json[] };
      const refunds = body.refund ? [body.refund] : (body.refunds ?? []);
      return refunds.map((refund, i) => ({ name: refunds.length > 1 ? `${e.file}[${i}]` : e.file, refund }));
    });
}

/** Every InventoryLevel resource in the fixtures (the inventory_levels/update webhook body has this shape). */
export function shopifyInventoryLevels(): { name: string; level: Json }[] {
  return shopifyIndex()
    .filter((e) => e.path.includes("/inventory_levels") && e.method !== "DELETE")
    .flatMap((e) => {
      const body = file(e.file) as { inventory_level?: Json; inventory_levels?: Json[] };
      const levels = body.inventory_level ? [body.inventory_level] : (body.inventory_levels ?? []);
      return levels.map((level, i) => ({ name: levels.length > 1 ? `${e.file}[${i}]` : e.file, level }));
    });
}

export function shopifyFixture<T = Json>(name: string): T {
  return file(name) as T;
}

export function shopifyHmacVector(): ShopifyHmacVector {
  const v = Object.values(vectors)[0];
  if (!v) throw new Error("no Shopify HMAC test vector");
  return structuredClone(v) as ShopifyHmacVector;
}
