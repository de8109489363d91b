// zod schemas of Zoho Books v3 payloads: invoices, sales orders, credit notes, payments, {code, message} and tokens.
import { z } from "zod";

/** Every answer carries `code` (0 = success) and `message` (../shared/specs/zoho-books/*.example.json). */
export const Envelope = z.object({ code: z.number(), message: z.string() }).loose();

/** A line item as OrderMesh writes it (invoices, sales orders and credit notes share the shape). */
export const LineItemPayload = z.object({
  item_id: z.string().optional(),
  /** "name: Max-length [100]" */
  name: z.string().min(1).max(100),
  /** "description: Max-length [2000]" */
  description: z.string().max(2000).optional(),
  rate: z.number(),
  quantity: z.number(),
  unit: z.string().max(100).optional(),
  /** Discount amount for the line (discount_type item_level). */
  discount: z.number().optional(),
  tax_id: z.string().optional(),
  location_id: z.string().optional(),
});
export type LineItemPayload = z.infer<typeof LineItemPayload>;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Invoice / sales order / credit note body (the number field differs). */
export const DocumentPayload = z.object({
  customer_id: z.string().min(1),
  /** The document's currency (an enabled currency of the organization, GET /settings/currencies). */
  currency_id: z.string().optional(),
  reference_number: z.string().max(100),
  date: Day,
  is_inclusive_tax: z.boolean(),
  discount_type: z.literal("item_level"),
  is_discount_before_tax: z.literal(true),
  exchange_rate: z.number().positive().optional(),
  line_items: z.array(LineItemPayload).min(1),
  adjustment: z.number().optional(),
  adjustment_description: z.string().optional(),
  notes: z.string().optional(),
});
export type DocumentPayload = z.infer<typeof DocumentPayload>;

const LineItem = z.object({ line_item_id: z.string().optional(), name: z.string().optional(), rate: z.number(), quantity: z.number(), discount: z.union([z.number(), z.string()]).optional(), tax_id: z.string().optional(), item_total: z.number().optional() }).loose();

const Payment = z.object({ payment_id: z.string(), amount: z.number(), reference_number: z.string().nullish() }).loose();

/** An invoice as Zoho answers it. */
export const Invoice = z
  .object({
    invoice_id: z.string(),
    invoice_number: z.string(),
    status: z.string(),
    reference_number: z.string().nullish(),
    customer_id: z.string(),
    currency_code: z.string(),
    is_inclusive_tax: z.boolean().optional(),
    line_items: z.array(LineItem).optional(),
    sub_total: z.number(),
    tax_total: z.number(),
    adjustment: z.number().optional(),
    total: z.number(),
    balance: z.number(),
    payments: z.array(Payment).optional(),
    last_modified_time: z.string().optional(),
  })
  .loose();
export type Invoice = z.infer<typeof Invoice>;

export const SalesOrder = z
  .object({
    salesorder_id: z.string(),
    salesorder_number: z.string(),
    status: z.string(),
    customer_id: z.string(),
    currency_code: z.string(),
    line_items: z.array(LineItem).optional(),
    total: z.number(),
    last_modified_time: z.string().optional(),
  })
  .loose();
export type SalesOrder = z.infer<typeof SalesOrder>;

export const CreditNote = z
  .object({
    creditnote_id: z.string(),
    creditnote_number: z.string(),
    status: z.string(),
    customer_id: z.string(),
    currency_code: z.string(),
    total: z.number(),
    balance: z.number(),
    last_modified_time: z.string().optional(),
  })
  .loose();
export type CreditNote = z.infer<typeof CreditNote>;

export const Currency = z.object({ currency_id: z.string(), currency_code: z.string(), price_precision: z.number().int() }).loose();
export type Currency = z.infer<typeof Currency>;

export const Contact = z.object({ contact_id: z.string(), contact_name: z.string(), email: z.string().nullish() }).loose();

/** Zoho Accounts token answer ({"access_token","expires_in":3600,"api_domain","token_type":"Bearer"}). */
export const TokenResponse = z.object({ access_token: z.string(), expires_in: z.number(), api_domain: z.string().optional(), token_type: z.string() });
/** Zoho Accounts failure: HTTP 200 with {"error":"invalid_code"} (github.com/Weble/ZohoBooksApi/issues/84). */
export const TokenError = z.object({ error: z.string() }).loose();
