// zod schemas of the Xero Accounting API payloads OrderMesh writes and reads, after ../shared/specs/xero/xero_accounting.yaml.
import { z } from "zod";

const LineAmountTypes = z.enum(["Exclusive", "Inclusive", "NoTax"]); // components.schemas.LineAmountTypes

/** components.schemas.LineItemTracking (Name maxLength 100). */
export const LineItemTracking = z.object({ Name: z.string().max(100), Option: z.string() });

/** components.schemas.LineItem — the fields OrderMesh sends. */
export const LineItem = z.object({
  Description: z.string().min(1),
  Quantity: z.number(),
  UnitAmount: z.number(),
  AccountCode: z.string().optional(),
  ItemCode: z.string().optional(),
  TaxType: z.string(),
  /** "This value can be overriden if the calculated <TaxAmount> is not correct" (LineItem.TaxAmount). */
  TaxAmount: z.number(),
  /** "Only supported on ACCREC invoices and quotes" (LineItem.DiscountAmount). */
  DiscountAmount: z.number().optional(),
  Tracking: z.array(LineItemTracking).max(2).optional(),
});
export type LineItem = z.infer<typeof LineItem>;

/** components.schemas.Contact — by id, or by name (a new contact is created for an unknown name). */
const ContactRef = z.union([z.object({ ContactID: z.string() }), z.object({ Name: z.string().min(1).max(255) })]);

/** components.schemas.Invoice as OrderMesh writes it (Type ACCREC). */
export const InvoicePayload = z.object({
  Type: z.literal("ACCREC"),
  Contact: ContactRef,
  Date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  DueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  LineAmountTypes,
  InvoiceNumber: z.string().max(255),
  Reference: z.string(),
  CurrencyCode: z.string().length(3),
  CurrencyRate: z.number().positive().optional(),
  Status: z.enum(["DRAFT", "SUBMITTED", "AUTHORISED"]),
  LineItems: z.array(LineItem).min(1),
});
export type InvoicePayload = z.infer<typeof InvoicePayload>;

/** components.schemas.CreditNote as OrderMesh writes it (Type ACCRECCREDIT; no line discounts on credit notes). */
export const CreditNotePayload = z.object({
  Type: z.literal("ACCRECCREDIT"),
  Contact: ContactRef,
  Date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  LineAmountTypes,
  CreditNoteNumber: z.string(),
  Reference: z.string(),
  CurrencyCode: z.string().length(3),
  CurrencyRate: z.number().positive().optional(),
  Status: z.literal("AUTHORISED"),
  LineItems: z.array(LineItem.omit({ DiscountAmount: true })).min(1),
});
export type CreditNotePayload = z.infer<typeof CreditNotePayload>;

const Money = z.number();

/** components.schemas.Payment as Xero returns it inside an Invoice (the fields read back). */
const InvoicePayment = z.object({ PaymentID: z.string(), Amount: Money.optional(), Reference: z.string().nullish() }).loose();

/** components.schemas.Invoice as Xero answers it. */
export const Invoice = z
  .object({
    InvoiceID: z.string(),
    InvoiceNumber: z.string().nullish(),
    Reference: z.string().nullish(),
    Type: z.string(),
    Status: z.string(),
    LineAmountTypes: z.string().nullish(),
    CurrencyCode: z.string(),
    Contact: z.object({ ContactID: z.string().optional(), Name: z.string().optional() }).loose(),
    SubTotal: Money,
    TotalTax: Money,
    Total: Money,
    AmountDue: Money.optional(),
    AmountPaid: Money.optional(),
    AmountCredited: Money.optional(),
    Payments: z.array(InvoicePayment).nullish(),
    CreditNotes: z.array(z.object({ CreditNoteID: z.string() }).loose()).nullish(),
    UpdatedDateUTC: z.string().nullish(),
  })
  .loose();
export type Invoice = z.infer<typeof Invoice>;

/** components.schemas.CreditNote as Xero answers it. */
export const CreditNote = z
  .object({
    CreditNoteID: z.string(),
    CreditNoteNumber: z.string().nullish(),
    Reference: z.string().nullish(),
    Type: z.string(),
    Status: z.string(),
    CurrencyCode: z.string(),
    Total: Money,
    RemainingCredit: Money.optional(),
    Allocations: z.array(z.object({ Amount: Money }).loose()).nullish(),
    Payments: z.array(InvoicePayment).nullish(),
    UpdatedDateUTC: z.string().nullish(),
  })
  .loose();
export type CreditNote = z.infer<typeof CreditNote>;

/** components.schemas.Invoices / CreditNotes / Payments / Allocations wrappers. */
export const Invoices = z.object({ Invoices: z.array(Invoice) }).loose();
export const CreditNotes = z.object({ CreditNotes: z.array(CreditNote) }).loose();
export const Payments = z.object({ Payments: z.array(z.object({ PaymentID: z.string(), Amount: Money, Status: z.string().optional() }).loose()) }).loose();
export const Allocations = z.object({ Allocations: z.array(z.object({ Amount: Money }).loose()) }).loose();

/** components.schemas.Error / Element / ValidationError. */
export const ErrorBody = z
  .object({
    ErrorNumber: z.number().optional(),
    Type: z.string().optional(),
    Message: z.string().optional(),
    Elements: z.array(z.object({ ValidationErrors: z.array(z.object({ Message: z.string() }).loose()).optional() }).loose()).optional(),
  })
  .loose();

/** The RFC 7807 body Xero's gateway sends for 401/403 (github.com/freakboy3742/pyxero/pull/337 shows one verbatim). */
export const ProblemBody = z.object({ Title: z.string().optional(), Status: z.number().optional(), Detail: z.string().optional() }).loose();

/** OAuth 2 token response of identity.xero.com/connect/token. */
export const TokenResponse = z.object({
  access_token: z.string(),
  expires_in: z.number(),
  token_type: z.string(),
  refresh_token: z.string(),
  scope: z.string().optional(),
});
export const TokenError = z.object({ error: z.string(), error_description: z.string().optional() }).loose();
