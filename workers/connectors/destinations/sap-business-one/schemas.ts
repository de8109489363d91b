// zod schemas for what the B1 Service Layer answers: login, documents, collections, business partners, errors.
import { z } from "zod";

/** POST /Login answer: `{"odata.metadata":…,"SessionId":"<guid>","Version":"1000190","SessionTimeout":30}` (destinations.md §2 [V]). */
export const LoginResponse = z.object({ SessionId: z.string().min(1), SessionTimeout: z.number().optional(), Version: z.string().optional() }).loose();

/** The document fields OrderMesh reads back (Orders, Invoices, CreditNotes share the Document shape). */
export const B1Document = z
  .object({
    DocEntry: z.number(),
    DocNum: z.number().optional(),
    CardCode: z.string().optional(),
    NumAtCard: z.string().nullish(),
    DocTotal: z.union([z.number(), z.string()]).optional(),
    DocCurrency: z.string().nullish(),
    Comments: z.string().nullish(),
    DocumentStatus: z.string().optional(),
    Cancelled: z.string().optional(),
    UpdateDate: z.string().nullish(),
    UpdateTime: z.string().nullish(),
    DocumentLines: z.array(z.object({ LineNum: z.number() }).loose()).optional(),
  })
  .loose();
export type B1Document = z.infer<typeof B1Document>;

/** OData v3 collection (`/b1s/v1`): `{"odata.metadata":…,"value":[…],"odata.nextLink":…}`. */
export const Collection = z.object({ value: z.array(z.record(z.string(), z.unknown())), "odata.nextLink": z.string().optional() }).loose();

/** v1 error body: `{"error":{"code":<int>,"message":{"lang":"en-us","value":"…"}}}` (destinations.md §2 [V]). */
export const B1Error = z.object({
  error: z.object({ code: z.union([z.number(), z.string()]), message: z.union([z.object({ value: z.string() }).loose(), z.string()]) }).loose(),
});
