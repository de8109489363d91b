// WooCommerce's vendor-written fixtures (REST v3 doc examples) from ../shared/specs, by kind.
const examples = import.meta.glob("../../../shared/specs/woocommerce/rest-v3-doc-examples/*.json", { eager: true, import: "default" }) as Record<string, unknown>;

export type Json = Record<string, unknown>;

function file(name: string): unknown {
  const key = Object.keys(examples).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no WooCommerce fixture ${name}`);
  return structuredClone(examples[key]);
}

const isOrder = (v: unknown): v is Json => typeof v === "object" && v !== null && "line_items" in v && "date_modified_gmt" in v;

/**
 * Every full order in the doc examples: the responses of retrieve, list, update, delete and batch (request bodies
 * such as "Create an order" carry no id and are not what a webhook sends). Named "<file>#<order id>".
 */
export function wooOrders(): { name: string; order: Json }[] {
  const out: { name: string; order: Json }[] = [];
  for (const name of Object.keys(examples).map((k) => k.split("/").pop()!).filter((n) => n.startsWith("orders.")).sort()) {
    const body = file(name);
    const found = Array.isArray(body) ? body : isOrder(body) ? [body] : Object.values(body as Json).flatMap((v) => (Array.isArray(v) ? v : []));
    for (const o of found) if (isOrder(o) && typeof o.id === "number") out.push({ name: `${name}#${o.id}`, order: o });
  }
  return out;
}

/** The "List all refunds" response of order 723 (one plain-amount refund, one line refund). */
export function wooRefunds(): Json[] {
  return file("order-refunds.list-all-refunds.3.json") as Json[];
}

/** One order by id, from the given doc example file ("List all orders" by default, which has 723 and 727). */
export function wooOrder(id: number, file = "orders.list-all-orders.3.json"): Json {
  const found = wooOrders().find((o) => o.order.id === id && o.name.startsWith(`${file}#`));
  if (!found) throw new Error(`no WooCommerce order ${id} in the doc examples`);
  return found.order;
}
