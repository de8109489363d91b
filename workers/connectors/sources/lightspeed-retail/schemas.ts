// zod schemas of the Lightspeed Retail (R-Series) API V3 payloads OrderMesh reads: Sale, SaleLine, SalePayment, envelopes.
// Field reference: https://developers.lightspeedhq.com/retail/endpoints/Sale/ and /SaleLine/, /SalePayment/.
import { z } from "zod";

/** Every scalar comes back as a JSON string ("true", "12.5", "44"); tolerate numbers and booleans too. */
export const LsId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
export const LsDecimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal amount"), z.number()]).transform(String);
export const LsBool = z.union([z.boolean(), z.enum(["true", "false"])]).transform((v) => v === true || v === "true");
const LsText = z.union([z.string(), z.number()]).transform(String);

/**
 * Lightspeed's XML heritage: a relation holding one child is an object, several an array, none an empty string
 * (https://developers.lightspeedhq.com/retail/tutorials/searching/ shows `"Sale": {…}` for a single result).
 */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z
    .union([z.array(item), item, z.literal(""), z.null()])
    .optional()
    .transform((v): z.infer<T>[] => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]));
}

/** A `{ "SaleLine": … }`-style wrapper around a relation list (absent or "" when empty). */
export function relation<T extends z.ZodType>(key: string, item: T) {
  return z
    .union([z.object({ [key]: oneOrMany(item) }), z.literal(""), z.null()])
    .optional()
    .transform((v): z.infer<T>[] => (v && typeof v === "object" ? ((v as Record<string, z.infer<T>[]>)[key] ?? []) : []));
}

export const Discount = z.looseObject({ discountID: LsId.optional(), name: LsText.optional() });

export const Item = z.looseObject({
  itemID: LsId.optional(),
  systemSku: LsText.optional(),
  customSku: LsText.optional(),
  manufacturerSku: LsText.optional(),
  description: LsText.optional(),
});

export const Note = z.looseObject({ note: LsText.optional() });

export const SaleLine = z.looseObject({
  saleLineID: LsId,
  unitQuantity: LsDecimal,
  unitPrice: LsDecimal,
  tax: LsBool.optional(),
  tax1Rate: LsDecimal.optional(),
  tax2Rate: LsDecimal.optional(),
  calcLineDiscount: LsDecimal.optional(),
  calcTransactionDiscount: LsDecimal.optional(),
  calcSubtotal: LsDecimal,
  calcTax1: LsDecimal.optional(),
  calcTax2: LsDecimal.optional(),
  itemID: LsId.optional(),
  parentSaleLineID: LsId.optional(),
  saleID: LsId.optional(),
  Item: Item.optional(),
  Discount: Discount.optional(),
  Note: Note.optional(),
});
export type SaleLine = z.infer<typeof SaleLine>;

export const PaymentType = z.looseObject({ paymentTypeID: LsId.optional(), name: LsText.optional(), code: LsText.optional() });

export const SalePayment = z.looseObject({
  salePaymentID: LsId,
  amount: LsDecimal,
  tipAmount: LsDecimal.optional(),
  createTime: z.string().optional(),
  archived: LsBool.optional(),
  paymentTypeID: LsId.optional(),
  PaymentType: PaymentType.optional(),
});
export type SalePayment = z.infer<typeof SalePayment>;

const ContactEmail = z.looseObject({ address: LsText.optional() });
const ContactPhone = z.looseObject({ number: LsText.optional() });

export const Customer = z.looseObject({
  customerID: LsId,
  firstName: LsText.optional(),
  lastName: LsText.optional(),
  Contact: z
    .looseObject({ Emails: relation("ContactEmail", ContactEmail), Phones: relation("ContactPhone", ContactPhone) })
    .optional(),
});

export const TaxCategory = z.looseObject({ tax1Name: LsText.optional(), tax2Name: LsText.optional() });

export const Sale = z.looseObject({
  saleID: LsId,
  timeStamp: z.string(),
  createTime: z.string().optional(),
  completeTime: z.string().optional(),
  completed: LsBool,
  voided: LsBool,
  archived: LsBool.optional(),
  isTaxInclusive: LsBool.optional(),
  referenceNumber: LsText.optional(),
  referenceNumberSource: LsText.optional(),
  ticketNumber: LsText.optional(),
  calcDiscount: LsDecimal,
  calcSubtotal: LsDecimal,
  calcTax1: LsDecimal,
  calcTax2: LsDecimal,
  calcTips: LsDecimal.optional(),
  total: LsDecimal,
  balance: LsDecimal.optional(),
  customerID: LsId.optional(),
  shopID: LsId.optional(),
  registerID: LsId.optional(),
  Customer: Customer.optional(),
  TaxCategory: TaxCategory.optional(),
  SaleLines: relation("SaleLine", SaleLine),
  SalePayments: relation("SalePayment", SalePayment),
});
export type Sale = z.infer<typeof Sale>;

/** GET …/Sale.json: `@attributes` carries the next/previous page URLs; `Sale` is absent, one object or an array. */
export const SalesEnvelope = z.object({
  "@attributes": z.looseObject({ next: z.string().optional(), previous: z.string().optional() }).optional(),
  Sale: oneOrMany(z.unknown()),
});

/** GET …/Sale/{id}.json */
export const SaleEnvelope = z.object({ Sale: z.unknown() });

/** GET …/SaleLine.json?saleLineID=IN,[…]: the original lines a return points at, for their saleID. */
export const SaleLinesEnvelope = z.object({
  "@attributes": z.looseObject({ next: z.string().optional() }).optional(),
  SaleLine: oneOrMany(z.looseObject({ saleLineID: LsId, saleID: LsId })),
});

/** https://developers.lightspeedhq.com/retail/authentication/authentication-overview/ (refresh_token grant response). */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
});
