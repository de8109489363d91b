// zod schemas for what F&O answers: SalesOrderHeadersV2 and SalesOrderLines records, collections, OData errors.
import { z } from "zod";

/** F&O's OData error: `{"error":{"code":"","message":"An error has occurred.","innererror":{"message","type","stacktrace"}}}`. */
export const FoError = z
  .object({
    error: z
      .object({
        code: z.string().optional(),
        message: z.string(),
        innererror: z.object({ message: z.string().optional(), type: z.string().optional() }).loose().optional(),
      })
      .loose(),
  })
  .loose();

/** Header fields OrderMesh reads (names from ../shared/specs/microsoft-dynamics-fo/fo_sales_order_entities.attributes.json). */
export const FoHeader = z
  .object({
    "@odata.etag": z.string().optional(),
    dataAreaId: z.string(),
    SalesOrderNumber: z.string(),
    CustomersOrderReference: z.string().nullish(),
    CurrencyCode: z.string(),
    SalesOrderStatus: z.string().optional(),
    IsSalesProcessingStopped: z.string().optional(),
    ConfirmedShippingDate: z.string().nullish(),
    OrderTotalAmount: z.number(),
  })
  .loose();
export type FoHeader = z.infer<typeof FoHeader>;

export const FoLine = z
  .object({
    "@odata.etag": z.string().optional(),
    dataAreaId: z.string(),
    InventoryLotId: z.string(),
    SalesOrderNumber: z.string(),
    CustomersLineNumber: z.number().nullish(),
    ItemNumber: z.string(),
    LineDescription: z.string().nullish(),
    OrderedSalesQuantity: z.number(),
    SalesPrice: z.number(),
    SalesUnitSymbol: z.string().nullish(),
    CreditNoteReasonCode: z.string().nullish(),
    LineAmount: z.number().optional(),
  })
  .loose();
export type FoLine = z.infer<typeof FoLine>;

export const FoProduct = z.object({ ItemNumber: z.string() }).loose();

export const Collection = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item) }).loose();
