// zod schemas of Intacct gateway responses (response → control → operation → authentication → result) and SODOCUMENT rows.
import { z } from "zod";

const Text = z.union([z.string(), z.number()]).transform(String);
const OptText = z.union([z.string(), z.number(), z.object({}).loose()]).optional().transform((v) => (typeof v === "object" || v === undefined ? "" : String(v)));

/** errormessage/error(errorno, description, description2, correction) — https://developer.intacct.com/web-services/error-handling/ */
export const IntacctErrorItem = z.object({ errorno: OptText, description: OptText, description2: OptText, correction: OptText }).loose();
const ErrorMessage = z.object({ error: z.array(IntacctErrorItem) }).loose();

export const SoDocumentRow = z
  .object({
    RECORDNO: Text.optional(),
    DOCID: Text,
    DOCPARID: Text.optional(),
    STATE: OptText,
    PONUMBER: OptText,
    CURRENCY: OptText,
    TOTAL: OptText,
    TRX_TOTAL: OptText,
    TRACKINGNUMBER: OptText,
    SHIPPEDDATE: OptText,
    WHENMODIFIED: OptText,
  })
  .loose();
export type SoDocumentRow = z.infer<typeof SoDocumentRow>;

export const Result = z
  .object({
    status: Text,
    function: Text,
    controlid: OptText,
    key: OptText,
    data: z.union([z.object({ api: z.object({ sessionid: Text, endpoint: OptText }).loose().optional(), sodocument: z.array(SoDocumentRow).optional() }).loose(), z.string()]).optional(),
    errormessage: ErrorMessage.optional(),
  })
  .loose();
export type Result = z.infer<typeof Result>;

export const Operation = z
  .object({
    authentication: z.object({ status: Text, sessiontimeout: OptText }).loose(),
    result: z.array(Result).optional(),
    errormessage: ErrorMessage.optional(),
  })
  .loose();

export const ResponseDoc = z.object({
  response: z
    .object({
      control: z.object({ status: Text }).loose(),
      operation: z.array(Operation).optional(),
      errormessage: ErrorMessage.optional(),
    })
    .loose(),
});
export type ResponseDoc = z.infer<typeof ResponseDoc>;
