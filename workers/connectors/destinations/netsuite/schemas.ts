// zod schemas for what NetSuite REST web services answer: records and RFC 7807-style errors.
import { z } from "zod";

const Ref = z.object({ id: z.string(), refName: z.string().optional() }).loose();

/** The fields OrderMesh reads back from a transaction record (`GET …/record/v1/<type>/<id>`); the rest passes through. */
export const NsTransaction = z
  .object({
    id: z.string(),
    externalId: z.string().optional(),
    tranId: z.string().optional(),
    otherRefNum: z.string().optional(),
    total: z.number().optional(),
    currency: Ref.optional(),
    entity: Ref.optional(),
    status: Ref.optional(),
    orderStatus: Ref.optional(),
    lastModifiedDate: z.string().optional(),
    item: z.object({ items: z.array(z.object({ line: z.number().optional(), isClosed: z.boolean().optional() }).loose()).optional() }).loose().optional(),
  })
  .loose();
export type NsTransaction = z.infer<typeof NsTransaction>;

/** Error body (NS section_156570709583; ../shared/specs/netsuite/rest_idempotency_conflict.response.json). */
export const NsError = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  "o:errorDetails": z.array(z.object({ detail: z.string().optional(), "o:errorCode": z.string().optional(), "o:errorPath": z.string().optional() }).loose()).default([]),
});
