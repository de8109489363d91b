// zod schemas of the Clover REST v3 payloads OrderMesh reads: Order (expanded), its collections, and webhook notifications.
// Field reference: https://docs.clover.com/dev/reference/ordergetorder and the Order model of clover-android-sdk (v3/order/Order.java).
import { z } from "zod";

/** Clover amounts are integer cents ("Money amounts in Clover are always passed as cent values"). */
const Cents = z.number().int().refine(Number.isSafeInteger, "amount outside the safe integer range");

/** An expanded collection: {"elements": [...]} (https://docs.clover.com/docs/expanding-fields). */
const elements = <T extends z.ZodType>(item: T) =>
  z
    .looseObject({ elements: z.array(item).nullish() })
    .nullish()
    .transform((v) => v?.elements ?? []);

const Ref = z.looseObject({ id: z.string() });

export const TaxRate = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  /** Percent × 100 000 (8.25 % = 825000); clover-android-sdk TaxRate and Clover's calc scale 5. */
  rate: z.number().int(),
  isDefault: z.boolean().nullish(),
});

export const Discount = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  /** Negative cents for an amount discount. */
  amount: Cents.nullish(),
  /** Whole percent for a percentage discount. */
  percentage: z.number().nullish(),
});
export type Discount = z.infer<typeof Discount>;

export const Modification = z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), amount: Cents.nullish() });

export const LineItem = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  alternateName: z.string().nullish(),
  item: Ref.nullish(),
  itemCode: z.string().nullish(),
  /** Price in cents: per unit, or per `unitName` when `unitQty` is set. */
  price: Cents,
  /** Quantity in thousandths for items priced per unit (1500 = 1.5 lb). */
  unitQty: z.number().int().nullish(),
  unitName: z.string().nullish(),
  note: z.string().nullish(),
  refunded: z.boolean().nullish(),
  exchanged: z.boolean().nullish(),
  isRevenue: z.boolean().nullish(),
  discounts: elements(Discount),
  modifications: elements(Modification),
  taxRates: elements(TaxRate),
});
export type LineItem = z.infer<typeof LineItem>;

export const Tender = z.looseObject({ id: z.string().nullish(), label: z.string().nullish(), labelKey: z.string().nullish() });

export const Payment = z.looseObject({
  id: z.string(),
  /** Cents paid, without the tip. */
  amount: Cents,
  tipAmount: Cents.nullish(),
  taxAmount: Cents.nullish(),
  cashbackAmount: Cents.nullish(),
  /** SUCCESS | FAIL | INITIATED | VOIDED | VOIDING | VOID_FAILED | AUTH | AUTH_COMPLETED | DISCOUNT | OFFLINE_RETRYING | PENDING */
  result: z.string().nullish(),
  tender: Tender.nullish(),
  createdTime: z.number().int().nullish(),
});
export type Payment = z.infer<typeof Payment>;

export const Refund = z.looseObject({
  id: z.string(),
  /** Cents returned, tax included, tip not. */
  amount: Cents,
  taxAmount: Cents.nullish(),
  tipAmount: Cents.nullish(),
  createdTime: z.number().int(),
  payment: Ref.nullish(),
  voided: z.boolean().nullish(),
  reason: z.string().nullish(),
  lineItems: elements(Ref),
});
export type Refund = z.infer<typeof Refund>;

/** A manual refund ("credit") not tied to a payment. */
export const Credit = z.looseObject({
  id: z.string(),
  amount: Cents,
  taxAmount: Cents.nullish(),
  createdTime: z.number().int(),
  tender: Tender.nullish(),
  voided: z.boolean().nullish(),
});

export const PAYMENT_STATES = ["OPEN", "PAID", "REFUNDED", "CREDITED", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"] as const;

export const Order = z.looseObject({
  id: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Cents; tax included, tips (on payments) not. */
  total: Cents,
  title: z.string().nullish(),
  note: z.string().nullish(),
  /** Free string: "open", "locked", … */
  state: z.string().nullish(),
  paymentState: z.enum(PAYMENT_STATES).nullish(),
  /** Prices include VAT. */
  isVat: z.boolean().nullish(),
  taxRemoved: z.boolean().nullish(),
  testMode: z.boolean().nullish(),
  orderType: z.looseObject({ id: z.string().nullish(), label: z.string().nullish() }).nullish(),
  createdTime: z.number().int(),
  clientCreatedTime: z.number().int().nullish(),
  modifiedTime: z.number().int(),
  serviceCharge: z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), percentageDecimal: z.number().int().nullish(), percentage: z.number().nullish() }).nullish(),
  customers: elements(z.looseObject({ id: z.string(), firstName: z.string().nullish(), lastName: z.string().nullish() })),
  lineItems: elements(LineItem),
  discounts: elements(Discount),
  payments: elements(Payment),
  refunds: elements(Refund),
  credits: elements(Credit),
});
export type Order = z.infer<typeof Order>;

/**
 * Webhook notification: {"appId", "merchants": {"<mId>": [{"objectId": "O:<id>", "type": "CREATE"|"UPDATE"|"DELETE", "ts"}]}}
 * https://docs.clover.com/docs/webhooks (message format).
 */
export const Notification = z.looseObject({
  appId: z.string().nullish(),
  merchants: z.record(
    z.string(),
    z.array(z.looseObject({ objectId: z.string().regex(/^[A-Z]+:.+$/, "objectId is <type key>:<id>"), type: z.string(), ts: z.number().int() })),
  ),
});
export type Notification = z.infer<typeof Notification>;

/** The POST Clover sends when a webhook URL is registered: {"verificationCode": "<uuid>"} and nothing else. */
export const VerificationRequest = z.strictObject({ verificationCode: z.string().min(1).max(100) });

/** GET /v3/merchants/{mId}/orders: each order validated on its own so one odd order does not sink the page. */
export const OrderList = z.looseObject({ elements: z.array(z.unknown()).nullish() });
