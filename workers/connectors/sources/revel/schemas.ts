// zod schemas of the Revel Systems REST resources OrderMesh reads: OrderAllInOne (order + items + payments) and lists.
// https://developer.revelsystems.com/revelsystems/docs/frequently-asked-questions (OrderAllInOne: Order, OrderItem,
// Payment and OrderHistory in one object); field names per the 2.76 changelog Order sample and the webhook docs.
import { z } from "zod";

/** Revel money and quantities are JSON numbers (floats); nulls where a field was never set. */
const Num = z.number();
const NumOrNull = z.number().nullish().transform((v) => v ?? 0);
/** Related objects are resource URIs ("/enterprise/Establishment/1/"), sometimes bare ids. */
const Ref = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? undefined : String(v)));

export const OrderInfo = z.looseObject({
  id: z.number().int().positive(),
  uuid: z.string().nullish(),
  resource_uri: z.string().nullish(),
  created_date: z.string(),
  updated_date: z.string(),
  closed: z.boolean().nullish(),
  web_order: z.boolean().nullish(),
  establishment: Ref,
  customer: Ref,
  call_name: z.string().nullish(),
  local_id: z.union([z.string(), z.number()]).nullish(),
  notes: z.string().nullish(),
  subtotal: Num,
  discount_amount: NumOrNull,
  tax: Num,
  service_charge: NumOrNull,
  surcharge: NumOrNull,
  gratuity: NumOrNull,
  rounding_delta: NumOrNull,
  final_total: Num,
  remaining_due: NumOrNull,
});
export type OrderInfo = z.infer<typeof OrderInfo>;

export const OrderItem = z.looseObject({
  id: z.number().int(),
  uuid: z.string().nullish(),
  product: Ref,
  product_name_override: z.string().nullish(),
  product_name: z.string().nullish(),
  sku: z.string().nullish(),
  barcode: z.string().nullish(),
  quantity: Num,
  price: Num,
  discount_amount: NumOrNull,
  tax_amount: NumOrNull,
  tax_rate: NumOrNull,
  voided_date: z.string().nullish(),
  deleted: z.boolean().nullish(),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const Payment = z.looseObject({
  id: z.number().int(),
  amount: Num,
  tip: NumOrNull,
  change: NumOrNull,
  payment_type: z.union([z.number(), z.string()]).nullish(),
  payment_date: z.string().nullish(),
  created_date: z.string().nullish(),
  deleted: z.boolean().nullish(),
});
export type Payment = z.infer<typeof Payment>;

export const OrderAllInOne = z.looseObject({
  orderInfo: OrderInfo,
  items: z.array(OrderItem).nullish().transform((v) => v ?? []),
  payments: z.array(Payment).nullish().transform((v) => v ?? []),
});
export type OrderAllInOne = z.infer<typeof OrderAllInOne>;

/** Tastypie list envelope: {"meta": {limit, offset, next, previous, total_count}, "objects": […]}. */
export const ListEnvelope = z.object({
  meta: z.looseObject({
    limit: z.number().int().nullish(),
    offset: z.number().int().nullish(),
    next: z.string().nullish(),
    previous: z.string().nullish(),
    total_count: z.number().int().nullish(),
  }),
  objects: z.array(z.unknown()),
});
