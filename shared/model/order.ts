// The canonical order, refund, fulfillment, stock and event shapes every connector maps to and from.
import { z } from "zod";
import { CurrencyCode, Minor } from "./money";
import { Quantity } from "./quantity";

export const OrderStatus = z.enum([
  "pending",
  "paid",
  "packing",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "returned",
  "refunded",
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const FinancialStatus = z.enum([
  "pending",
  "authorized",
  "partially_paid",
  "paid",
  "partially_refunded",
  "refunded",
  "voided",
]);
export type FinancialStatus = z.infer<typeof FinancialStatus>;

export const FulfillmentStatus = z.enum(["unfulfilled", "packing", "partial", "shipped", "delivered", "returned"]);
export type FulfillmentStatus = z.infer<typeof FulfillmentStatus>;

export const Channel = z.enum(["store", "web", "marketplace", "phone", "other"]);
export type Channel = z.infer<typeof Channel>;

export const TaxLine = z.object({
  code: z.string().optional(),
  title: z.string(),
  /** Rate as an exact decimal fraction ("0.13"). */
  rate: z.string().regex(/^\d+(\.\d+)?$/),
  amount: Minor,
  jurisdiction: z.string().optional(),
});
export type TaxLine = z.infer<typeof TaxLine>;

export const DiscountAllocation = z.object({
  amount: Minor,
  code: z.string().optional(),
  title: z.string().optional(),
});

export const OrderLine = z.object({
  id: z.string(),
  sku: z.string().optional(),
  name: z.string(),
  quantity: Quantity,
  unit: z.string().optional(),
  /** Unit price in minor units, as the source lists it (tax-inclusive when the order is). */
  unitPrice: Minor,
  /** quantity × unitPrice before discounts, exactly as the source states it. */
  grossAmount: Minor,
  discounts: z.array(DiscountAllocation).default([]),
  taxes: z.array(TaxLine).default([]),
  giftCard: z.boolean().default(false),
  taxable: z.boolean().default(true),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const ShippingLine = z.object({
  id: z.string().optional(),
  title: z.string(),
  amount: Minor,
  discounts: z.array(DiscountAllocation).default([]),
  taxes: z.array(TaxLine).default([]),
});
export type ShippingLine = z.infer<typeof ShippingLine>;

export const OrderDiscount = z.object({
  code: z.string().optional(),
  title: z.string().optional(),
  amount: Minor,
  kind: z.enum(["code", "automatic", "manual", "promotion", "loyalty"]).default("code"),
});

export const Payment = z.object({
  id: z.string(),
  method: z.string(),
  gateway: z.string().optional(),
  amount: Minor,
  kind: z.enum(["sale", "capture", "authorization", "refund", "void"]).default("sale"),
  status: z.enum(["pending", "success", "failure"]).default("success"),
  processedAt: z.string().optional(),
});
export type Payment = z.infer<typeof Payment>;

export const RefundLine = z.object({
  lineId: z.string(),
  sku: z.string().optional(),
  name: z.string().optional(),
  quantity: Quantity,
  amount: Minor,
  tax: Minor.default(0),
  restock: z.boolean().default(false),
});

export const Refund = z.object({
  id: z.string(),
  createdAt: z.string(),
  reason: z.string().optional(),
  lines: z.array(RefundLine).default([]),
  /** Shipping refunded and order-level adjustments, signed as amounts returned to the customer. */
  shipping: Minor.default(0),
  adjustments: Minor.default(0),
  /** Total money returned to the customer for this refund. */
  total: Minor,
  tax: Minor.default(0),
  payments: z.array(Payment).default([]),
});
export type Refund = z.infer<typeof Refund>;

export const Fulfillment = z.object({
  id: z.string(),
  status: z.enum(["packing", "shipped", "delivered", "cancelled", "returned"]),
  carrier: z.string().optional(),
  trackingNumber: z.string().optional(),
  trackingUrl: z.string().optional(),
  lines: z.array(z.object({ lineId: z.string(), quantity: Quantity })).default([]),
  updatedAt: z.string().optional(),
});
export type Fulfillment = z.infer<typeof Fulfillment>;

export const Address = z.object({
  name: z.string().optional(),
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  phone: z.string().optional(),
});

export const Customer = z.object({
  id: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
  phone: z.string().optional(),
});

export const Totals = z.object({
  subtotal: Minor,
  discounts: Minor,
  shipping: Minor,
  tax: Minor,
  tip: Minor.default(0),
  total: Minor,
});
export type Totals = z.infer<typeof Totals>;

export const Order = z.object({
  source: z.string(),
  connectionId: z.string(),
  sourceOrderId: z.string(),
  /** The number a person sees and searches by ("#1001", "R-2044"). */
  orderNumber: z.string(),
  channel: Channel,
  locationId: z.string().optional(),
  customer: Customer.optional(),
  shippingAddress: Address.optional(),
  currency: CurrencyCode,
  /** Exchange rate to the retailer's home currency, as the source stated it (decimal string). */
  exchangeRate: z.string().optional(),
  taxesIncluded: z.boolean(),
  lines: z.array(OrderLine),
  shipping: z.array(ShippingLine).default([]),
  discounts: z.array(OrderDiscount).default([]),
  totals: Totals,
  payments: z.array(Payment).default([]),
  refunds: z.array(Refund).default([]),
  fulfillments: z.array(Fulfillment).default([]),
  status: OrderStatus,
  financialStatus: FinancialStatus,
  fulfillmentStatus: FulfillmentStatus,
  cancelledAt: z.string().optional(),
  cancelReason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Monotonic source version: the vendor's version number, or updated_at as epoch milliseconds. */
  sourceVersion: z.number().int().nonnegative(),
  note: z.string().optional(),
  tags: z.array(z.string()).default([]),
});
export type Order = z.infer<typeof Order>;
export type OrderInput = z.input<typeof Order>;

export const StockLevel = z.object({
  sku: z.string(),
  locationId: z.string(),
  available: Quantity,
  onHand: Quantity.optional(),
  updatedAt: z.string(),
});
export type StockLevel = z.infer<typeof StockLevel>;

/** Canonical event types a source topic maps to. */
export const EventType = z.enum([
  "order.created",
  "order.updated",
  "order.paid",
  "order.packing",
  "order.shipped",
  "order.delivered",
  "order.completed",
  "order.cancelled",
  "order.returned",
  "order.deleted",
  "refund.created",
  "stock.changed",
]);
export type EventType = z.infer<typeof EventType>;

export const CanonicalEvent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("order"), type: EventType, order: Order }),
  z.object({ kind: z.literal("refund"), type: z.literal("refund.created"), refund: Refund, sourceOrderId: z.string() }),
  z.object({ kind: z.literal("stock"), type: z.literal("stock.changed"), stock: StockLevel }),
]);
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;
