// zod schemas for what Business Central API v2.0 answers: sales documents, lines, customers, items, lists, errors.
import { z } from "zod";

/** OData v4 error envelope as BC sends it (dynamic-error-codes page). */
export const ODataError = z.object({ error: z.object({ code: z.string(), message: z.string() }).loose() }).loose();

export const BcLine = z
  .object({
    "@odata.etag": z.string().optional(),
    id: z.string(),
    sequence: z.number(),
    lineType: z.string(),
    lineObjectNumber: z.string().optional(),
    description: z.string().optional(),
    quantity: z.number(),
    unitPrice: z.number(),
    discountAmount: z.number().optional(),
    taxCode: z.string().optional(),
    amountIncludingTax: z.number().optional(),
  })
  .loose();
export type BcLine = z.infer<typeof BcLine>;

/** salesOrder / salesInvoice / salesCreditMemo: the fields OrderMesh reads back (representation in ../shared/specs/microsoft-dynamics-bc/). */
export const BcDocument = z
  .object({
    "@odata.etag": z.string().optional(),
    id: z.string(),
    number: z.string(),
    externalDocumentNumber: z.string().optional(),
    currencyCode: z.string().optional(),
    status: z.string().optional(),
    fullyShipped: z.boolean().optional(),
    totalAmountIncludingTax: z.number(),
    lastModifiedDateTime: z.string().optional(),
    salesOrderLines: z.array(BcLine).optional(),
    salesCreditMemoLines: z.array(BcLine).optional(),
  })
  .loose();
export type BcDocument = z.infer<typeof BcDocument>;

export const BcCustomer = z.object({ id: z.string(), number: z.string(), displayName: z.string().optional(), email: z.string().optional() }).loose();
export const BcItem = z.object({ id: z.string(), number: z.string(), displayName: z.string().optional() }).loose();

export const Collection = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item), "@odata.nextLink": z.string().optional() }).loose();
