// zod schemas of the Adobe Commerce (Magento) REST payloads OrderMesh reads: sales-data-order-interface and its items,
// payment and shipping assignments; creditmemo and shipment (with tracks); search results envelopes.
// Definitions: ../shared/specs/magento/admin-schema-2.4.9.yaml (Swagger 2.0, AdobeDocs/commerce-webapi).
import { z } from "zod";

/** Money is a JSON number in order currency (grand_total) and base currency (base_grand_total). */
const Num = z.number();
const Amount = z.number().nullish().transform((v) => v ?? 0);
const Text = z.string().nullish().transform((v) => v ?? undefined);
const Id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

export const OrderItem = z.looseObject({
  item_id: Id,
  parent_item_id: Id.nullish(),
  sku: z.string(),
  name: Text,
  product_type: Text,
  qty_ordered: Num,
  qty_shipped: Amount,
  qty_refunded: Amount,
  qty_canceled: Amount,
  price: Amount,
  price_incl_tax: Amount,
  row_total: Amount,
  row_total_incl_tax: Amount,
  tax_amount: Amount,
  tax_percent: Amount,
  discount_amount: Amount,
});
export type OrderItem = z.infer<typeof OrderItem>;

const Address = z.looseObject({
  firstname: Text,
  lastname: Text,
  street: z.array(z.string()).nullish(),
  city: Text,
  region_code: Text,
  region: Text,
  postcode: Text,
  country_id: Text,
  telephone: Text,
});

export const Order = z.looseObject({
  entity_id: Id,
  increment_id: z.string(),
  state: Text,
  status: Text,
  store_id: Id.nullish(),
  created_at: z.string(),
  updated_at: z.string(),
  order_currency_code: z.string().regex(/^[A-Z]{3}$/),
  base_currency_code: Text,
  base_to_order_rate: Amount,
  grand_total: Num,
  subtotal: Amount,
  discount_amount: Amount,
  discount_description: Text,
  shipping_amount: Amount,
  shipping_discount_amount: Amount,
  shipping_tax_amount: Amount,
  shipping_description: Text,
  tax_amount: Amount,
  discount_tax_compensation_amount: Amount,
  shipping_discount_tax_compensation_amount: Amount,
  total_paid: Amount,
  total_refunded: Amount,
  total_due: Amount,
  customer_id: Id.nullish(),
  customer_email: Text,
  customer_firstname: Text,
  customer_lastname: Text,
  customer_is_guest: z.union([z.number(), z.boolean()]).nullish(),
  customer_note: Text,
  items: z.array(OrderItem),
  payment: z.looseObject({ entity_id: Id.nullish(), method: Text, amount_paid: Amount, amount_ordered: Amount }).nullish(),
  extension_attributes: z
    .looseObject({
      shipping_assignments: z.array(z.looseObject({ shipping: z.looseObject({ address: Address.nullish(), method: Text }).nullish() })).nullish(),
    })
    .nullish(),
});
export type Order = z.infer<typeof Order>;

const MemoItem = z.looseObject({ order_item_id: Id, qty: Num, row_total: Amount, tax_amount: Amount, discount_amount: Amount, sku: Text, name: Text, price: Amount });

/** sales-data-creditmemo-interface */
export const Creditmemo = z.looseObject({
  entity_id: Id,
  order_id: Id,
  increment_id: Text,
  created_at: z.string(),
  grand_total: Num,
  subtotal: Amount,
  shipping_amount: Amount,
  tax_amount: Amount,
  adjustment_positive: Amount,
  adjustment_negative: Amount,
  discount_amount: Amount,
  order_currency_code: Text,
  items: z.array(MemoItem).nullish().transform((v) => v ?? []),
  comments: z.array(z.looseObject({ comment: Text })).nullish().transform((v) => v ?? []),
  extension_attributes: z.looseObject({ return_to_stock_items: z.array(Id).nullish() }).nullish(),
});
export type Creditmemo = z.infer<typeof Creditmemo>;

/** sales-data-shipment-interface with sales-data-shipment-track-interface */
export const Shipment = z.looseObject({
  entity_id: Id,
  order_id: Id,
  created_at: Text,
  updated_at: Text,
  items: z.array(z.looseObject({ order_item_id: Id, qty: Num })).nullish().transform((v) => v ?? []),
  tracks: z.array(z.looseObject({ track_number: Text, title: Text, carrier_code: Text })).nullish().transform((v) => v ?? []),
});
export type Shipment = z.infer<typeof Shipment>;

/** *-search-result-interface: {items, search_criteria, total_count}. */
export const SearchResult = z.object({ items: z.array(z.unknown()).nullish().transform((v) => v ?? []), total_count: z.number().int().nonnegative() });
