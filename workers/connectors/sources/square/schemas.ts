// zod schemas of the Square payloads OrderMesh reads: Order (with tenders, refunds, returns, fulfillments), webhook events.
// Field names and required lists follow Square's OpenAPI (../shared/specs/square/api.json, Square-Version 2025-08-20,
// components.schemas.Order and the schemas it references); test/unit/square-schemas.test.ts checks them against it.
import { z } from "zod";

/** https://developer.squareup.com/reference/square/objects/Money — integer minor units and an ISO 4217 code. */
export const Money = z.looseObject({
  amount: z.number().int().refine(Number.isSafeInteger, "amount outside the safe integer range"),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type Money = z.infer<typeof Money>;

const list = <T extends z.ZodType>(item: T) => z.array(item).nullish().transform((v) => v ?? []);

export const AppliedTax = z.looseObject({ uid: z.string().nullish(), tax_uid: z.string(), applied_money: Money.nullish() });
export const AppliedDiscount = z.looseObject({ uid: z.string().nullish(), discount_uid: z.string(), applied_money: Money.nullish() });

export const QuantityUnit = z.looseObject({
  measurement_unit: z
    .looseObject({
      custom_unit: z.looseObject({ name: z.string().nullish(), abbreviation: z.string().nullish() }).nullish(),
      area_unit: z.string().nullish(),
      length_unit: z.string().nullish(),
      volume_unit: z.string().nullish(),
      weight_unit: z.string().nullish(),
      generic_unit: z.string().nullish(),
      time_unit: z.string().nullish(),
    })
    .nullish(),
  precision: z.number().int().nullish(),
});

export const LineItemModifier = z.looseObject({
  uid: z.string().nullish(),
  name: z.string().nullish(),
  /** Decimal string; how many of this modifier per unit of the line (default 1). */
  quantity: z.string().nullish(),
  base_price_money: Money.nullish(),
  total_price_money: Money.nullish(),
});

export const LineItem = z.looseObject({
  uid: z.string().nullish(),
  name: z.string().nullish(),
  /** Decimal string ("2", "1.5"); required by the spec. */
  quantity: z.string(),
  quantity_unit: QuantityUnit.nullish(),
  note: z.string().nullish(),
  catalog_object_id: z.string().nullish(),
  variation_name: z.string().nullish(),
  /** ITEM | CUSTOM_AMOUNT | GIFT_CARD */
  item_type: z.string().nullish(),
  modifiers: list(LineItemModifier),
  applied_taxes: list(AppliedTax),
  applied_discounts: list(AppliedDiscount),
  base_price_money: Money.nullish(),
  variation_total_price_money: Money.nullish(),
  gross_sales_money: Money.nullish(),
  total_tax_money: Money.nullish(),
  total_discount_money: Money.nullish(),
  total_money: Money.nullish(),
});
export type LineItem = z.infer<typeof LineItem>;

export const Tax = z.looseObject({
  uid: z.string().nullish(),
  catalog_object_id: z.string().nullish(),
  name: z.string().nullish(),
  /** ADDITIVE | INCLUSIVE | UNKNOWN_TAX */
  type: z.string().nullish(),
  /** Percent as a decimal string ("7.25" = 7.25 %). */
  percentage: z.string().nullish(),
  applied_money: Money.nullish(),
  scope: z.string().nullish(),
});

export const Discount = z.looseObject({
  uid: z.string().nullish(),
  catalog_object_id: z.string().nullish(),
  name: z.string().nullish(),
  type: z.string().nullish(),
  percentage: z.string().nullish(),
  amount_money: Money.nullish(),
  applied_money: Money.nullish(),
  scope: z.string().nullish(),
  reward_ids: list(z.string()),
  pricing_rule_id: z.string().nullish(),
});

export const ServiceCharge = z.looseObject({
  uid: z.string().nullish(),
  name: z.string().nullish(),
  percentage: z.string().nullish(),
  amount_money: Money.nullish(),
  applied_money: Money.nullish(),
  total_money: Money.nullish(),
  total_tax_money: Money.nullish(),
  calculation_phase: z.string().nullish(),
  taxable: z.boolean().nullish(),
  applied_taxes: list(AppliedTax),
});

export const Address = z.looseObject({
  address_line_1: z.string().nullish(),
  address_line_2: z.string().nullish(),
  locality: z.string().nullish(),
  administrative_district_level_1: z.string().nullish(),
  postal_code: z.string().nullish(),
  country: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});

export const Recipient = z.looseObject({
  customer_id: z.string().nullish(),
  display_name: z.string().nullish(),
  email_address: z.string().nullish(),
  phone_number: z.string().nullish(),
  address: Address.nullish(),
});

export const Fulfillment = z.looseObject({
  uid: z.string().nullish(),
  /** PICKUP | SHIPMENT | DELIVERY (and others Square adds) */
  type: z.string().nullish(),
  /** PROPOSED | RESERVED | PREPARED | COMPLETED | CANCELED | FAILED */
  state: z.string().nullish(),
  entries: list(z.looseObject({ uid: z.string().nullish(), line_item_uid: z.string(), quantity: z.string() })),
  shipment_details: z
    .looseObject({
      recipient: Recipient.nullish(),
      carrier: z.string().nullish(),
      tracking_number: z.string().nullish(),
      tracking_url: z.string().nullish(),
      shipped_at: z.string().nullish(),
      canceled_at: z.string().nullish(),
    })
    .nullish(),
  pickup_details: z.looseObject({ recipient: Recipient.nullish(), picked_up_at: z.string().nullish() }).nullish(),
  delivery_details: z
    .looseObject({ recipient: Recipient.nullish(), delivered_at: z.string().nullish(), courier_provider_name: z.string().nullish() })
    .nullish(),
});
export type Fulfillment = z.infer<typeof Fulfillment>;

export const Tender = z.looseObject({
  id: z.string().nullish(),
  created_at: z.string().nullish(),
  /** Includes tip_money (https://developer.squareup.com/reference/square/objects/Tender). */
  amount_money: Money.nullish(),
  tip_money: Money.nullish(),
  /** CARD | CASH | THIRD_PARTY_CARD | SQUARE_GIFT_CARD | NO_SALE | BANK_ACCOUNT | WALLET | BUY_NOW_PAY_LATER | SQUARE_ACCOUNT | OTHER */
  type: z.string(),
  card_details: z
    .looseObject({ status: z.string().nullish(), card: z.looseObject({ card_brand: z.string().nullish() }).nullish() })
    .nullish(),
  payment_id: z.string().nullish(),
});
export type Tender = z.infer<typeof Tender>;

/** The Refund of an order's `refunds[]` (Transactions-era shape; required fields per the spec). */
export const Refund = z.looseObject({
  id: z.string(),
  location_id: z.string(),
  tender_id: z.string().nullish(),
  created_at: z.string().nullish(),
  reason: z.string(),
  amount_money: Money,
  /** PENDING | APPROVED | REJECTED | FAILED */
  status: z.string(),
});
export type Refund = z.infer<typeof Refund>;

export const ReturnLineItem = z.looseObject({
  uid: z.string().nullish(),
  source_line_item_uid: z.string().nullish(),
  name: z.string().nullish(),
  quantity: z.string(),
  catalog_object_id: z.string().nullish(),
  variation_name: z.string().nullish(),
  base_price_money: Money.nullish(),
  gross_return_money: Money.nullish(),
  total_tax_money: Money.nullish(),
  total_discount_money: Money.nullish(),
  total_money: Money.nullish(),
});

export const MoneyAmounts = z.looseObject({
  total_money: Money.nullish(),
  tax_money: Money.nullish(),
  discount_money: Money.nullish(),
  tip_money: Money.nullish(),
  service_charge_money: Money.nullish(),
});

export const Return = z.looseObject({
  uid: z.string().nullish(),
  /** The sale order the items came from; unset for unlinked returns. */
  source_order_id: z.string().nullish(),
  return_line_items: list(ReturnLineItem),
  return_service_charges: list(z.looseObject({ applied_money: Money.nullish(), total_money: Money.nullish() })),
  return_taxes: list(z.looseObject({ type: z.string().nullish(), applied_money: Money.nullish() })),
  return_amounts: MoneyAmounts.nullish(),
});
export type Return = z.infer<typeof Return>;

export const ORDER_STATES = ["OPEN", "COMPLETED", "CANCELED", "DRAFT"] as const;

export const Order = z.looseObject({
  id: z.string(),
  location_id: z.string(),
  reference_id: z.string().nullish(),
  source: z.looseObject({ name: z.string().nullish() }).nullish(),
  customer_id: z.string().nullish(),
  ticket_name: z.string().nullish(),
  line_items: list(LineItem),
  taxes: list(Tax),
  discounts: list(Discount),
  service_charges: list(ServiceCharge),
  fulfillments: list(Fulfillment),
  returns: list(Return),
  return_amounts: MoneyAmounts.nullish(),
  rounding_adjustment: z.looseObject({ uid: z.string().nullish(), name: z.string().nullish(), amount_money: Money.nullish() }).nullish(),
  tenders: list(Tender),
  refunds: list(Refund),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullish(),
  state: z.enum(ORDER_STATES),
  version: z.number().int().nullish(),
  total_money: Money,
  total_tax_money: Money.nullish(),
  total_discount_money: Money.nullish(),
  total_tip_money: Money.nullish(),
  total_service_charge_money: Money.nullish(),
});
export type Order = z.infer<typeof Order>;

/** https://developer.squareup.com/reference/square/objects/InventoryCount */
export const InventoryCount = z.looseObject({
  catalog_object_id: z.string(),
  catalog_object_type: z.string().nullish(),
  /** IN_STOCK | SOLD | RETURNED_BY_CUSTOMER | … ; only IN_STOCK is stock on hand for sale. */
  state: z.string(),
  location_id: z.string(),
  quantity: z.string(),
  calculated_at: z.string(),
});

/** Every webhook notification: https://developer.squareup.com/docs/webhooks/step3validate (envelope fields). */
export const EventEnvelope = z.looseObject({
  merchant_id: z.string().nullish(),
  type: z.string(),
  event_id: z.string().min(1),
  created_at: z.string().nullish(),
  data: z.looseObject({ type: z.string().nullish(), id: z.string().nullish(), object: z.unknown().optional() }).nullish(),
});

export const InventoryCountUpdated = z.looseObject({
  data: z.looseObject({ object: z.looseObject({ inventory_counts: z.array(z.unknown()) }) }),
});

/** GET /v2/orders/{order_id} */
export const RetrieveOrderResponse = z.looseObject({ order: z.unknown() });
/** POST /v2/orders/search: each order validated on its own so one odd order does not sink the page. */
export const SearchOrdersResponse = z.looseObject({ orders: z.array(z.unknown()).nullish(), cursor: z.string().nullish() });
/** GET /v2/locations */
export const ListLocationsResponse = z.looseObject({
  locations: z.array(z.looseObject({ id: z.string(), status: z.string().nullish() })).nullish(),
});
