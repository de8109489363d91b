// zod schemas of the PrestaShop webservice records OrderMesh reads (JSON output shape; XML is converted to it first):
// orders, order_slip, order_payments, order_carriers, order_states, currencies.
// Fields: https://devdocs.prestashop-project.org/8/webservice/resources/orders/ and ../shared/specs/prestashop/orders-blank-schema.xml
import { z } from "zod";

/** JSON output gives ids as numbers and every other value as a string; accept either. */
export const PsId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
/** Amounts are decimal strings with 6 decimals ("61.800000"); a JSON number is read through its shortest form. */
export const PsDecimal = z.union([z.string().trim().regex(/^-?\d+(\.\d+)?$/, "a decimal amount"), z.number()]).transform(String);
const PsFlag = z.union([z.enum(["0", "1"]), z.number(), z.boolean()]).transform((v) => v === "1" || v === 1 || v === true);
const PsText = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? "" : String(v)));
const Zero = PsDecimal.optional().transform((v) => v ?? "0");

function list<T extends z.ZodType>(item: T) {
  return z
    .union([z.array(item), z.literal(""), z.null()])
    .optional()
    .transform((v): z.infer<T>[] => (Array.isArray(v) ? v : []));
}

export const OrderRow = z.looseObject({
  id: PsId,
  product_id: PsId.optional(),
  product_attribute_id: PsId.optional(),
  product_quantity: PsDecimal,
  product_name: PsText,
  product_reference: PsText,
  product_ean13: PsText,
  product_price: Zero,
  unit_price_tax_incl: PsDecimal,
  unit_price_tax_excl: PsDecimal,
});
export type OrderRow = z.infer<typeof OrderRow>;

export const Order = z.looseObject({
  id: PsId,
  reference: PsText,
  id_customer: PsId.optional(),
  id_currency: PsId,
  id_carrier: PsId.optional(),
  id_shop: PsId.optional(),
  current_state: PsId,
  module: PsText,
  payment: PsText,
  valid: PsFlag.optional(),
  date_add: z.string(),
  date_upd: z.string(),
  shipping_number: PsText,
  note: PsText,
  total_discounts: Zero,
  total_discounts_tax_incl: Zero,
  total_discounts_tax_excl: Zero,
  total_paid: PsDecimal,
  total_paid_tax_incl: PsDecimal,
  total_paid_tax_excl: PsDecimal,
  total_paid_real: Zero,
  total_products: PsDecimal,
  total_products_wt: PsDecimal,
  total_shipping: Zero,
  total_shipping_tax_incl: Zero,
  total_shipping_tax_excl: Zero,
  carrier_tax_rate: Zero,
  total_wrapping: Zero,
  total_wrapping_tax_incl: Zero,
  total_wrapping_tax_excl: Zero,
  conversion_rate: PsDecimal.optional(),
  associations: z
    .looseObject({ order_rows: list(OrderRow) })
    .optional()
    .transform((v) => v ?? { order_rows: [] }),
});
export type Order = z.infer<typeof Order>;

/** https://github.com/PrestaShop/PrestaShop/blob/develop/classes/order/OrderSlip.php ($webserviceParameters) */
export const OrderSlipDetail = z.looseObject({
  id: PsId.optional(),
  id_order_detail: PsId,
  product_quantity: PsDecimal,
  amount_tax_excl: PsDecimal,
  amount_tax_incl: PsDecimal,
});

export const OrderSlip = z.looseObject({
  id: PsId,
  id_order: PsId,
  total_products_tax_excl: Zero,
  total_products_tax_incl: Zero,
  total_shipping_tax_excl: Zero,
  total_shipping_tax_incl: Zero,
  date_add: z.string(),
  date_upd: z.string().optional(),
  associations: z
    .looseObject({ order_slip_details: list(OrderSlipDetail) })
    .optional()
    .transform((v) => v ?? { order_slip_details: [] }),
});
export type OrderSlip = z.infer<typeof OrderSlip>;

/** https://github.com/PrestaShop/PrestaShop/blob/develop/classes/order/OrderPayment.php */
export const OrderPayment = z.looseObject({
  id: PsId,
  order_reference: PsText,
  amount: PsDecimal,
  payment_method: PsText,
  transaction_id: PsText,
  date_add: z.string().optional(),
});
export type OrderPayment = z.infer<typeof OrderPayment>;

/** https://github.com/PrestaShop/PrestaShop/blob/develop/classes/order/OrderCarrier.php */
export const OrderCarrier = z.looseObject({
  id: PsId,
  id_order: PsId,
  id_carrier: PsId.optional(),
  tracking_number: PsText,
  date_add: z.string().optional(),
});
export type OrderCarrier = z.infer<typeof OrderCarrier>;

/** A multilingual field: a plain string (language=… given) or [{id, value}] per language. */
const Multilingual = z.union([z.string(), z.array(z.looseObject({ id: PsId.optional(), value: PsText }))]).transform((v) => (typeof v === "string" ? v : (v[0]?.value ?? "")));

export const OrderState = z.looseObject({
  id: PsId,
  name: Multilingual,
  template: Multilingual.optional().transform((v) => v ?? ""),
  paid: PsFlag.optional().transform((v) => v ?? false),
  shipped: PsFlag.optional().transform((v) => v ?? false),
  delivery: PsFlag.optional().transform((v) => v ?? false),
});

export const Currency = z.looseObject({ id: PsId, iso_code: z.string().regex(/^[A-Z]{3}$/) });

/** JSON output of a list: {"orders": […]}, or `[]` when nothing matched. */
export function jsonList(body: unknown, listNode: string): unknown[] {
  if (Array.isArray(body)) return body;
  const items = body && typeof body === "object" ? (body as Record<string, unknown>)[listNode] : undefined;
  return Array.isArray(items) ? items : [];
}
