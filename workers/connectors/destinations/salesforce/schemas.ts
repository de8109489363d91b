// zod schemas for what Salesforce answers: error arrays, OAuth tokens, query pages, composite graph results, records.
import { z } from "zod";

/** `[{"message","errorCode","fields"}]` — the REST API's error body. */
export const SfErrors = z.array(z.object({ message: z.string(), errorCode: z.string(), fields: z.array(z.string()).optional() }).loose()).min(1);

/** OAuth 2 token response (client credentials / refresh token): no expires_in, sessions follow the org's timeout. */
export const SfToken = z.object({ access_token: z.string(), instance_url: z.string().optional(), token_type: z.string().optional(), issued_at: z.string().optional() }).loose();
export const SfOAuthError = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

export const QueryResult = z.object({ totalSize: z.number(), done: z.boolean(), records: z.array(z.record(z.string(), z.unknown())), nextRecordsUrl: z.string().optional() }).loose();

const NodeResult = z.object({ body: z.unknown(), httpStatusCode: z.number(), referenceId: z.string() }).loose();
export const GraphResponse = z.object({
  graphs: z.array(z.object({ graphId: z.string(), graphResponse: z.object({ compositeResponse: z.array(NodeResult) }).loose(), isSuccessful: z.boolean() }).loose()),
});
export type GraphResponse = z.infer<typeof GraphResponse>;

export const SfOrder = z
  .object({ Id: z.string(), OrderNumber: z.string().optional(), Status: z.string(), StatusCode: z.string().optional(), TotalAmount: z.number(), CurrencyIsoCode: z.string().optional(), Type: z.string().nullish() })
  .loose();
export type SfOrder = z.infer<typeof SfOrder>;

export const SfOrderItem = z
  .object({ Id: z.string(), PricebookEntryId: z.string(), Quantity: z.number(), UnitPrice: z.number(), Description: z.string().nullish() })
  .loose();
export type SfOrderItem = z.infer<typeof SfOrderItem>;
