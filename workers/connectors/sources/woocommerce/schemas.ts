// zod schemas of the WooCommerce REST API v3 payloads OrderMesh reads: Order, Order refund, and the webhook routing fields.
// Field reference: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties (and #order-refund-properties).
import { z } from "zod";

/** A decimal amount as WooCommerce formats it ("29.35"); line `price` is sometimes a JSON number (see Amountish). */
const Amount = z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal amount string");
/** Line `price` is documented as a string but the official example sends a JSON number (3, 12); it is informational. */
const Amountish = z.union([z.string(), z.number()]);
const Id = z.number().int().nonnegative();
/** `*_gmt` timestamps: UTC without an offset ("2017-03-22T19:28:08"); null when the event has not happened. */
const GmtTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, "a *_gmt timestamp (UTC, no offset)");

export const LineTax = z.object({ id: Id, total: z.union([z.string(), z.literal("")]), subtotal: z.union([z.string(), z.literal("")]).optional() });

export const LineItem = z.object({
  id: Id,
  name: z.string(),
  product_id: Id.nullish(),
  variation_id: Id.nullish(),
  quantity: z.number(),
  tax_class: z.string().nullish(),
  subtotal: Amount,
  subtotal_tax: Amount,
  total: Amount,
  total_tax: Amount,
  taxes: z.array(LineTax).default([]),
  sku: z.string().nullish(),
  price: Amountish.nullish(),
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).default([]),
});
export type LineItem = z.infer<typeof LineItem>;

export const TaxLine = z.object({
  id: Id,
  rate_code: z.string(),
  rate_id: Id,
  label: z.string(),
  compound: z.boolean().nullish(),
  tax_total: Amount,
  shipping_tax_total: Amount,
  /** Added in WooCommerce 5.7 ("7.5" = 7.5 %); absent in older payloads such as the doc examples. */
  rate_percent: z.number().nullish(),
});
export type TaxLine = z.infer<typeof TaxLine>;

export const ShippingLine = z.object({
  id: Id,
  method_title: z.string(),
  method_id: z.string().nullish(),
  total: Amount,
  total_tax: Amount,
  taxes: z.array(LineTax).default([]),
});

export const FeeLine = z.object({
  id: Id,
  name: z.string(),
  tax_status: z.string().nullish(),
  total: Amount,
  total_tax: Amount,
  taxes: z.array(LineTax).default([]),
});

export const CouponLine = z.object({ id: Id, code: z.string(), discount: Amount, discount_tax: Amount });

/** `refunds[]` on an order is a summary; the doc example names the reason `refund`, the property table `reason`. */
export const RefundSummary = z.object({ id: Id, reason: z.string().nullish(), refund: z.string().nullish(), total: Amount });

const Party = z.object({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address_1: z.string().nullish(),
  address_2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postcode: z.string().nullish(),
  country: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const ORDER_STATUSES = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash", "checkout-draft"] as const;

export const Order = z.object({
  id: Id,
  parent_id: Id.nullish(),
  number: z.string(),
  /** Core statuses; a plugin may add its own, kept as a string and read as pending. */
  status: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  created_via: z.string().nullish(),
  date_created_gmt: GmtTime,
  date_modified_gmt: GmtTime,
  date_paid_gmt: GmtTime.nullish(),
  date_completed_gmt: GmtTime.nullish(),
  discount_total: Amount,
  discount_tax: Amount,
  shipping_total: Amount,
  shipping_tax: Amount,
  cart_tax: Amount,
  total: Amount,
  total_tax: Amount,
  prices_include_tax: z.boolean(),
  customer_id: Id.nullish(),
  customer_note: z.string().nullish(),
  billing: Party.nullish(),
  shipping: Party.nullish(),
  payment_method: z.string().nullish(),
  payment_method_title: z.string().nullish(),
  transaction_id: z.string().nullish(),
  line_items: z.array(LineItem),
  tax_lines: z.array(TaxLine).default([]),
  shipping_lines: z.array(ShippingLine).default([]),
  fee_lines: z.array(FeeLine).default([]),
  coupon_lines: z.array(CouponLine).default([]),
  refunds: z.array(RefundSummary).default([]),
});
export type Order = z.infer<typeof Order>;

/** GET /orders/{id}/refunds item: line quantities and amounts are negative, `amount` positive. */
export const Refund = z.object({
  id: Id,
  date_created_gmt: GmtTime,
  amount: Amount,
  reason: z.string().nullish(),
  refunded_payment: z.boolean().nullish(),
  line_items: z
    .array(
      z.object({
        id: Id,
        name: z.string().nullish(),
        quantity: z.number(),
        total: Amount,
        total_tax: Amount,
        sku: z.string().nullish(),
        meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).default([]),
      }),
    )
    .default([]),
  shipping_lines: z.array(z.object({ total: Amount, total_tax: Amount })).default([]),
  fee_lines: z.array(z.object({ total: Amount, total_tax: Amount })).default([]),
});
export type Refund = z.infer<typeof Refund>;

/** Routing fields `identify` reads leniently (order.deleted sends only `{"id": …}`). */
export const OrderRef = z.object({ id: Id, date_modified_gmt: z.string().nullish() });
