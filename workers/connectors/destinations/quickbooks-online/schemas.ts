// zod schemas for what QuickBooks Online answers: entities, query pages, Faults and OAuth token responses.
import { z } from "zod";

const Ref = z.object({ value: z.string(), name: z.string().optional() }).loose();

/** The fields OrderMesh reads back from a transaction; the rest passes through untouched. */
export const QboTxn = z
  .object({
    Id: z.string(),
    SyncToken: z.string(),
    DocNumber: z.string().optional(),
    PrivateNote: z.string().optional(),
    TotalAmt: z.number().optional(),
    Balance: z.number().optional(),
    RemainingCredit: z.number().optional(),
    CurrencyRef: Ref.optional(),
    CustomerRef: Ref.optional(),
    MetaData: z.object({ CreateTime: z.string().optional(), LastUpdatedTime: z.string().optional() }).loose().optional(),
  })
  .loose();
export type QboTxn = z.infer<typeof QboTxn>;

export const QboItem = z.object({ Id: z.string(), Name: z.string(), Sku: z.string().optional(), Active: z.boolean().optional() }).loose();
export type QboItem = z.infer<typeof QboItem>;

export const QboCustomer = z
  .object({ Id: z.string(), DisplayName: z.string().optional(), PrimaryEmailAddr: z.object({ Address: z.string().optional() }).loose().optional() })
  .loose();
export type QboCustomer = z.infer<typeof QboCustomer>;

/** `GET …/query` answer: `{"QueryResponse":{"<Entity>":[…],"startPosition":1,"maxResults":n},"time":…}`. */
export const QueryResponse = z.object({ QueryResponse: z.record(z.string(), z.unknown()) }).loose();

/** Entity answer of a create/read/update: `{"<Entity>":{…},"time":…}`. */
export const EntityResponse = z.record(z.string(), z.unknown());

/** Fault as in ../shared/specs/quickbooks-online/examples/fault.response.template.json, plus the gateway's lower-case form. */
const FaultError = z
  .object({
    Message: z.string().optional(),
    message: z.string().optional(),
    Detail: z.string().nullish(),
    detail: z.string().nullish(),
    code: z.union([z.string(), z.number()]).optional(),
    element: z.string().nullish(),
  })
  .loose();
const FaultBody = z.object({ Error: z.array(FaultError).optional(), error: z.array(FaultError).optional(), type: z.string().optional() }).loose();
export type FaultBody = z.infer<typeof FaultBody>;
export const FaultEnvelope = z.object({ Fault: FaultBody.optional(), fault: FaultBody.nullish() }).loose();

/**
 * `POST …/batch` answer: IntuitResponse's BatchItemResponse list (IntuitRestServiceDef.xsd), each item its `bId`
 * and one of an entity, a QueryResponse or a Fault
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch).
 */
export const BatchResponse = z.object({
  BatchItemResponse: z.array(z.object({ bId: z.string(), Fault: FaultBody.optional() }).loose()),
  time: z.string().optional(),
}).loose();

/** Shape of ../shared/specs/quickbooks-online/oauth-fixtures/success_refreshtoken_response.json. */
export const TokenResponse = z.object({
  token_type: z.string(),
  expires_in: z.number(),
  refresh_token: z.string(),
  x_refresh_token_expires_in: z.number().optional(),
  access_token: z.string(),
});

/** Shape of ../shared/specs/quickbooks-online/oauth-fixtures/failure_token_response.json. */
export const TokenError = z.object({ error: z.string(), error_description: z.string().optional() }).loose();
