// Adobe's own Magento REST tutorial payloads from ../shared/specs/magento/tutorial-examples, and the tutorial's order
// with the items Adobe elided ("...") restored from the same tutorial's invoice response.
type Json = Record<string, unknown>;

const examples = import.meta.glob("../../../shared/specs/magento/tutorial-examples/*.json", { eager: true, import: "default" }) as Record<string, unknown>;

/** One tutorial JSON block by file name ("order-create-shipment.1.payload.json"). */
export function tutorialExample<T = Json>(file: string): T {
  const key = Object.keys(examples).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no Magento tutorial example ${file}`);
  return structuredClone(examples[key]) as T;
}

/**
 * GET /V1/orders/3 exactly as published in order-create-order.md (SOURCE.txt: the two "..." lines removed so it
 * parses): `items` holds only the first of the order's items, while the totals cover all of them.
 */
export function elidedTutorialOrder(): Json {
  return tutorialExample("order-create-order.2.response.json");
}

/**
 * Where each elided item sits in the order: product type and parent, as the unelided version of the same page shows
 * them (AdobeDocs/commerce-webapi src/pages/rest/tutorials/orders/order-create-order.md @ 1ffbaa1b: the bundle
 * "Sprite Yoga Companion Kit" (5) with its four options (6–9), the configurable "Chaz Kangeroo Hoodie" (10) with its
 * variant (11); order-add-items.md adds the downloadable "Advanced Pilates & Yoga" (4)).
 */
const PLACEMENT: Record<number, { product_type: string; parent_item_id?: number; is_virtual?: number }> = {
  4: { product_type: "downloadable", is_virtual: 1 },
  5: { product_type: "bundle" },
  6: { product_type: "simple", parent_item_id: 5 },
  7: { product_type: "simple", parent_item_id: 5 },
  8: { product_type: "simple", parent_item_id: 5 },
  9: { product_type: "simple", parent_item_id: 5 },
  10: { product_type: "configurable" },
  11: { product_type: "simple", parent_item_id: 10 },
};

/**
 * The tutorial order with all nine items: the first as published; each other built on the first's shape with the
 * values the invoice response (order-create-invoice.2.response.json) gives for that order item — sku, name,
 * product_id, price, qty and row_total (the bundle parent's invoice line has no row_total: price × qty, 68, as the
 * unelided page shows) — placed per PLACEMENT.
 */
export function tutorialOrder(): Json {
  const order = elidedTutorialOrder();
  const first = (order.items as Json[])[0]!;
  const invoiced = tutorialExample<{ items: Json[] }>("order-create-invoice.2.response.json").items;
  const items = invoiced.map((inv) => {
    const id = Number(inv.order_item_id);
    if (id === first.item_id) return first;
    const place = PLACEMENT[id];
    if (!place) throw new Error(`no placement for order item ${id}`);
    const price = Number(inv.price);
    const qty = Number(inv.qty);
    const row = typeof inv.row_total === "number" ? inv.row_total : price * qty;
    const { quote_item_id: _q, weight: _w, row_weight: _rw, ...shape } = first;
    return {
      ...shape,
      item_id: id,
      ...(place.parent_item_id ? { parent_item_id: place.parent_item_id } : {}),
      product_type: place.product_type,
      is_virtual: place.is_virtual ?? 0,
      sku: inv.sku,
      name: inv.name,
      product_id: inv.product_id,
      price,
      base_price: inv.base_price,
      original_price: price,
      base_original_price: inv.base_price,
      price_incl_tax: inv.price_incl_tax ?? price,
      base_price_incl_tax: inv.base_price_incl_tax ?? inv.base_price,
      qty_ordered: qty,
      row_total: row,
      base_row_total: row,
      row_total_incl_tax: row,
      base_row_total_incl_tax: row,
    };
  });
  return { ...order, items };
}
