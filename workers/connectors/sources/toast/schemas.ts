// zod schemas of the Toast Orders API v2 payloads OrderMesh reads (Order, Check, Selection, Payment, Refund, …) and the
// webhook envelope. Definitions: ../shared/specs/toast/toast-orders-api-v2.6.5.yaml (Toast-authored Swagger 2.0, third-party
// copy); envelope: https://doc.toasttab.com/doc/devguide/apiMessageDataSchema.html and devOrdersWebhookRef.html.
import { z } from "zod";

/** Money and quantities are JSON doubles in currency units (`format: double`). */
const Num = z.number().finite();
const Text = z.string().nullish();
/** `ToastReference` / `ExternalReference`: a GUID with its entity type. */
const Ref = z.object({ guid: z.string().nullish(), entityType: Text, externalId: Text }).passthrough();

export const AppliedTaxRate = z.object({
  guid: Text,
  taxRate: Ref.nullish(),
  name: Text,
  /** PERCENT rates are fractions; FIXED rates are amounts; may be null. */
  rate: Num.nullish(),
  taxAmount: Num.nullish(),
  type: z.enum(["PERCENT", "FIXED", "NONE", "TABLE", "EXTERNAL"]).nullish(),
  jurisdiction: Text,
  facilitatorCollectAndRemitTax: z.boolean().nullish(),
});

export const AppliedDiscount = z.object({
  guid: Text,
  name: Text,
  discountAmount: Num.nullish(),
  nonTaxDiscountAmount: Num.nullish(),
  appliedPromoCode: Text,
  discountType: Text,
  loyaltyDetails: z.object({ vendor: Text, referenceId: Text }).nullish(),
});

export const RefundDetails = z.object({
  refundAmount: Num.nullish(),
  taxRefundAmount: Num.nullish(),
  tipRefundAmount: Num.nullish(),
  refundTransaction: Ref.nullish(),
});

export const Selection = z.object({
  guid: z.string(),
  item: Ref.nullish(),
  displayName: Text,
  quantity: Num,
  unitOfMeasure: z.enum(["NONE", "LB", "OZ", "KG", "G"]).nullish(),
  selectionType: Text,
  /** Gross, excl. tax. */
  preDiscountPrice: Num.nullish(),
  /** Net, after item and check discounts, excl. tax. */
  price: Num.nullish(),
  tax: Num.nullish(),
  receiptLinePrice: Num.nullish(),
  taxInclusion: z.enum(["INCLUDED", "NOT_INCLUDED", "INHERITED"]).nullish(),
  appliedTaxes: z.array(AppliedTaxRate).nullish(),
  appliedDiscounts: z.array(AppliedDiscount).nullish(),
  voided: z.boolean().nullish(),
  deferred: z.boolean().nullish(),
  refundDetails: RefundDetails.nullish(),
  fulfillmentStatus: Text,
});
export type Selection = z.infer<typeof Selection>;

export const AppliedServiceCharge = z.object({
  guid: Text,
  name: Text,
  chargeAmount: Num.nullish(),
  gratuity: z.boolean().nullish(),
  delivery: z.boolean().nullish(),
  taxable: z.boolean().nullish(),
  appliedTaxes: z.array(AppliedTaxRate).nullish(),
  refundDetails: RefundDetails.nullish(),
});

export const Refund = z.object({
  refundAmount: Num.nullish(),
  tipRefundAmount: Num.nullish(),
  refundDate: Text,
  refundBusinessDate: z.number().int().nullish(),
  refundTransaction: Ref.nullish(),
});

export const PAYMENT_TYPES = ["CASH", "CREDIT", "GIFTCARD", "HOUSE_ACCOUNT", "REWARDCARD", "LEVELUP", "TOAST_SV", "OTHER", "UNDETERMINED"] as const;

export const Payment = z.object({
  guid: z.string(),
  type: z.enum(PAYMENT_TYPES),
  amount: Num,
  tipAmount: Num.nullish(),
  cardType: Text,
  last4Digits: Text,
  paidDate: Text,
  paymentStatus: Text,
  refundStatus: z.enum(["NONE", "PARTIAL", "FULL"]).nullish(),
  refund: Refund.nullish(),
  otherPayment: Ref.nullish(),
});
export type Payment = z.infer<typeof Payment>;

export const Customer = z.object({ guid: Text, firstName: Text, lastName: Text, email: Text, phone: Text });

export const Check = z.object({
  guid: z.string(),
  displayNumber: Text,
  amount: Num.nullish(),
  taxAmount: Num.nullish(),
  totalAmount: Num.nullish(),
  paymentStatus: z.enum(["OPEN", "PAID", "CLOSED"]).nullish(),
  selections: z.array(Selection),
  payments: z.array(Payment).nullish(),
  appliedDiscounts: z.array(AppliedDiscount).nullish(),
  appliedServiceCharges: z.array(AppliedServiceCharge).nullish(),
  customer: Customer.nullish(),
  taxExempt: z.boolean().nullish(),
  voided: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  closedDate: Text,
});
export type Check = z.infer<typeof Check>;

export const DeliveryInfo = z.object({
  address1: Text,
  address2: Text,
  city: Text,
  state: Text,
  zipCode: Text,
  deliveredDate: Text,
  dispatchedDate: Text,
});

export const Order = z.object({
  guid: z.string(),
  externalId: Text,
  displayNumber: Text,
  source: Text,
  openedDate: Text,
  createdDate: z.string(),
  modifiedDate: z.string(),
  closedDate: Text,
  paidDate: Text,
  voidDate: Text,
  businessDate: z.number().int().nullish(),
  voided: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  approvalStatus: Text,
  deliveryInfo: DeliveryInfo.nullish(),
  checks: z.array(Check),
  createdInTestMode: z.boolean().nullish(),
});
export type Order = z.infer<typeof Order>;

/** The webhook message: {"timestamp", "eventCategory", "eventType", "guid", "details": {"restaurantGuid", "order"}}. */
export const Envelope = z.object({
  timestamp: z.string(),
  eventCategory: Text,
  eventType: z.string(),
  guid: z.string(),
  details: z.object({ restaurantGuid: Text, order: z.unknown() }).passthrough(),
});
export type Envelope = z.infer<typeof Envelope>;

/** POST /authentication/v1/authentication/login → {"token": {"accessToken", "expiresIn", …}, "status": "SUCCESS"}. */
export const LoginResponse = z.object({
  token: z.object({ tokenType: Text, accessToken: z.string(), expiresIn: z.number().nullish() }),
  status: Text,
});
