// zod schemas of the Shopify REST Admin 2024-04 payloads OrderMesh reads: Order, Refund, InventoryLevel and envelopes.
// Field reference: https://shopify.dev/docs/api/admin-rest/2024-04/resources/order (and /refund, /inventorylevel).
import { z } from "zod";

/** Shopify ids are int64 JSON numbers (below 2^53 in practice); kept as decimal strings. */
export const ShopifyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

/** A decimal amount; Shopify sends strings ("598.94") except in a few places noted where it sends JSON numbers. */
const Amount = z.string();
const AmountOrNumber = z.union([z.string(), z.number()]);

export const MoneySet = z.object({
  shop_money: z.object({ amount: AmountOrNumber, currency_code: z.string() }),
});

export const TaxLine = z.object({
  title: z.string(),
  /** A JSON number (0.06) in REST payloads. */
  rate: z.union([z.number(), z.string()]),
  price: Amount,
  price_set: MoneySet.nullish(),
});

export const DiscountAllocation = z.object({
  amount: Amount,
  amount_set: MoneySet.nullish(),
  discount_application_index: z.number().int().nonnegative(),
});

export const DiscountApplication = z.object({
  type: z.string(),
  code: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  allocation_method: z.string().nullish(),
  target_type: z.string().nullish(),
});

export const DiscountCode = z.object({ code: z.string(), amount: Amount, type: z.string().nullish() });

export const LineItem = z.object({
  id: ShopifyId,
  sku: z.string().nullish(),
  name: z.string().nullish(),
  title: z.string(),
  variant_title: z.string().nullish(),
  quantity: z.number().int().nonnegative(),
  price: Amount,
  taxable: z.boolean().nullish(),
  gift_card: z.boolean().nullish(),
  /** Weight of one unit in grams (https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#resource-object, line_items.grams). */
  grams: z.number().int().nonnegative().nullish(),
  tax_lines: z.array(TaxLine).default([]),
  discount_allocations: z.array(DiscountAllocation).default([]),
});
export type LineItem = z.infer<typeof LineItem>;

export const ShippingLine = z.object({
  id: ShopifyId.nullish(),
  title: z.string(),
  code: z.string().nullish(),
  price: Amount,
  tax_lines: z.array(TaxLine).default([]),
  discount_allocations: z.array(DiscountAllocation).default([]),
});

export const Transaction = z.object({
  id: ShopifyId,
  kind: z.string(),
  status: z.string().nullish(),
  amount: Amount,
  currency: z.string().nullish(),
  gateway: z.string().nullish(),
  created_at: z.string().nullish(),
  processed_at: z.string().nullish(),
});

/** GET /orders/{id}/transactions.json (https://shopify.dev/docs/api/admin-rest/2024-04/resources/transaction#get-orders-order-id-transactions). */
export const TransactionsEnvelope = z.object({ transactions: z.array(Transaction.extend({ parent_id: ShopifyId.nullish() })) });
export type OrderTransaction = z.infer<typeof TransactionsEnvelope>["transactions"][number];

export const RefundLineItem = z.object({
  line_item_id: ShopifyId,
  quantity: z.number().int().nonnegative(),
  restock_type: z.string().nullish(),
  location_id: ShopifyId.nullish(),
  /** JSON numbers (195.66) next to exact string twins in *_set. */
  subtotal: AmountOrNumber,
  subtotal_set: MoneySet.nullish(),
  total_tax: AmountOrNumber,
  total_tax_set: MoneySet.nullish(),
  line_item: z.object({ sku: z.string().nullish(), name: z.string().nullish(), title: z.string().nullish(), grams: z.number().int().nonnegative().nullish(), price: Amount.nullish() }).nullish(),
});

export const OrderAdjustment = z.object({
  id: ShopifyId.nullish(),
  /** shipping_refund | refund_discrepancy; amounts are negative when money goes back to the customer. */
  kind: z.string(),
  amount: Amount,
  tax_amount: Amount.nullish(),
  reason: z.string().nullish(),
});

export const Refund = z.object({
  id: ShopifyId,
  order_id: ShopifyId,
  created_at: z.string(),
  processed_at: z.string().nullish(),
  note: z.string().nullish(),
  restock: z.boolean().nullish(),
  refund_line_items: z.array(RefundLineItem).default([]),
  transactions: z.array(Transaction).default([]),
  order_adjustments: z.array(OrderAdjustment).default([]),
});
export type Refund = z.infer<typeof Refund>;

export const Fulfillment = z.object({
  id: ShopifyId,
  /** pending | open | success | cancelled | error | failure */
  status: z.string(),
  /** label_printed | in_transit | out_for_delivery | delivered | failure | … */
  shipment_status: z.string().nullish(),
  tracking_company: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_url: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  line_items: z.array(z.object({ id: ShopifyId, quantity: z.number().int().nonnegative() })).default([]),
});

export const Address = z.object({
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  zip: z.string().nullish(),
  country: z.string().nullish(),
  country_code: z.string().nullish(),
  phone: z.string().nullish(),
});

export const Customer = z.object({
  id: ShopifyId.nullish(),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  phone: z.string().nullish(),
});

export const FINANCIAL_STATUSES = ["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired"] as const;

export const Order = z.object({
  id: ShopifyId,
  name: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  taxes_included: z.boolean(),
  source_name: z.string().nullish(),
  location_id: ShopifyId.nullish(),
  financial_status: z.enum(FINANCIAL_STATUSES).nullish(),
  /** null (unfulfilled) | partial | fulfilled | restocked */
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  cancel_reason: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
  processed_at: z.string().nullish(),
  subtotal_price: Amount,
  total_discounts: Amount,
  total_tax: Amount,
  total_tip_received: Amount.nullish(),
  total_price: Amount,
  total_shipping_price_set: MoneySet.nullish(),
  line_items: z.array(LineItem),
  shipping_lines: z.array(ShippingLine).default([]),
  discount_codes: z.array(DiscountCode).default([]),
  discount_applications: z.array(DiscountApplication).default([]),
  payment_gateway_names: z.array(z.string()).default([]),
  refunds: z.array(Refund).default([]),
  fulfillments: z.array(Fulfillment).default([]),
  customer: Customer.nullish(),
  shipping_address: Address.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  note: z.string().nullish(),
  tags: z.string().nullish(),
});
export type Order = z.infer<typeof Order>;

export const InventoryLevel = z.object({
  inventory_item_id: ShopifyId,
  location_id: ShopifyId,
  /** null when the item's inventory is not tracked. */
  available: z.number().int().nullable(),
  updated_at: z.string(),
});

/** GET /orders/{id}.json */
export const OrderEnvelope = z.object({ order: z.unknown() });
/** GET /orders.json: each order is validated on its own so one odd order does not sink the page. */
export const OrdersEnvelope = z.object({ orders: z.array(z.unknown()) });

