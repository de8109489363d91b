// zod schemas for what S/4HANA's OData V2 services answer: entities, collections and Gateway errors.
import { z } from "zod";

const Metadata = z.object({ uri: z.string().optional(), type: z.string().optional(), etag: z.string().optional() }).loose();
const PricingElement = z.object({ ConditionType: z.string().nullish(), ConditionAmount: z.string().nullish() }).loose();
const Item = z
  .object({
    NetAmount: z.string().nullish(),
    SalesDocumentRjcnReason: z.string().nullish(),
    to_PricingElement: z.object({ results: z.array(PricingElement) }).loose().optional(),
  })
  .loose();

/** A sales order or credit memo request header (`{"d":{…}}`), items and their pricing elements when expanded. */
export const SdDocument = z
  .object({
    __metadata: Metadata.optional(),
    SalesOrder: z.string().optional(),
    CreditMemoRequest: z.string().optional(),
    PurchaseOrderByCustomer: z.string().nullish(),
    TotalNetAmount: z.string().nullish(),
    TransactionCurrency: z.string().nullish(),
    HeaderBillingBlockReason: z.string().nullish(),
    OverallSDDocumentRejectionSts: z.string().nullish(),
    OverallSDProcessStatus: z.string().nullish(),
    to_Item: z.object({ results: z.array(Item) }).loose().optional(),
  })
  .loose();
export type SdDocument = z.infer<typeof SdDocument>;

export const Single = z.object({ d: SdDocument });
export const Many = z.object({ d: z.object({ results: z.array(SdDocument), __count: z.string().optional() }).loose() });

/** Gateway error: `{"error":{"code":"<class>/<no>","message":{"lang":"en","value":"…"},"innererror":{…}}}`. */
export const GatewayError = z.object({
  error: z.object({ code: z.string(), message: z.union([z.object({ value: z.string() }).loose(), z.string()]) }).loose(),
});
