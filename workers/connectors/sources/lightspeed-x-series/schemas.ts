// zod schemas of the X-Series payloads OrderMesh reads: the API 1.0 register sale a sale.update webhook carries, and the
// API 2.0 Sale the sweep reads. Webhook payload: https://x-series-api.lightspeedhq.com/docs/webhooks ("the same as those
// you'll receive from API 1.0"; register sale fields: https://docs.vendhq.com/tutorials/guides/sales/sales-101).
// Sale 2.0: https://x-series-api.lightspeedhq.com/reference/listsales.
import { z } from "zod";

/** Money and quantities are JSON numbers; excl.-tax prices carry up to five decimals. */
const Num = z.number().finite();
const Text = z.string().nullish();

// ---------------------------------------------------------------- API 1.0 register sale (webhook payload)

export const RegisterSaleProduct = z.object({
  id: z.string(),
  product_id: z.string(),
  name: Text,
  sku: Text,
  quantity: Num,
  /** Unit price excluding tax, after any discount. */
  price: Num,
  /** Unit discount, for reporting. */
  discount: Num.nullish(),
  /** Unit tax. */
  tax: Num.nullish(),
  tax_id: Text,
  tax_name: Text,
  tax_rate: Num.nullish(),
  price_total: Num,
  tax_total: Num,
});

export const RegisterSalePayment = z.object({
  id: z.string(),
  retailer_payment_type_id: Text,
  name: Text,
  label: Text,
  payment_date: Text,
  amount: Num,
});

export const RegisterSale = z.object({
  id: z.string(),
  register_id: Text,
  outlet_id: Text,
  customer_id: Text,
  sale_date: Text,
  created_at: z.string(),
  updated_at: z.string(),
  total_price: Num,
  total_tax: Num,
  note: Text,
  status: z.string(),
  invoice_number: Text,
  return_for: Text,
  version: z.number().int().nullish(),
  register_sale_products: z.array(RegisterSaleProduct),
  register_sale_payments: z.array(RegisterSalePayment).default([]),
});
export type RegisterSale = z.infer<typeof RegisterSale>;

// ---------------------------------------------------------------- API 2.0 Sale (sweep)

export const LineItem = z.object({
  id: z.string(),
  product_id: z.string(),
  quantity: Num,
  price: Num,
  price_total: Num,
  discount: Num.nullish(),
  discount_total: Num.nullish(),
  tax: Num.nullish(),
  tax_total: Num,
  tax_id: Text,
  is_return: z.boolean().nullish(),
  note: Text,
});

export const Payment = z.object({
  id: z.string(),
  retailer_payment_type_id: Text,
  name: Text,
  amount: Num,
  payment_date: Text,
});

export const SaleTax = z.object({ id: z.string(), name: Text, rate: Num.nullish(), amount: Num.nullish() });

export const Sale = z.object({
  id: z.string(),
  outlet_id: Text,
  register_id: Text,
  customer_id: Text,
  invoice_number: Text,
  status: z.string(),
  note: Text,
  return_for: Text,
  created_at: z.string(),
  updated_at: z.string(),
  sale_date: Text,
  deleted_at: Text,
  total_price: Num,
  total_tax: Num,
  version: z.number().int().nonnegative(),
  taxes: z.array(SaleTax).default([]),
  line_items: z.array(LineItem),
  payments: z.array(Payment).default([]),
});
export type Sale = z.infer<typeof Sale>;

/** GET /api/2.0/sales: `{data: […], version: {min, max}}`; each sale is validated on its own. */
export const SalesPage = z.object({
  data: z.array(z.unknown()),
  version: z.object({ min: z.number().int().nullable(), max: z.number().int().nullable() }).nullish(),
});

/** Routing fields `identify` reads leniently. */
export const SaleRef = z.object({
  id: z.string(),
  updated_at: z.string().nullish(),
  version: z.number().int().nullish(),
  return_for: z.string().nullish(),
});
