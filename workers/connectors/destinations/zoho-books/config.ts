// The Zoho Books connection settings: organization, data centre, token endpoint and the posting profile's Zoho ids.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { PostingProfile } from "../../../../shared/posting/profile";

/**
 * Zoho's data centres: API root https://www.zohoapis.<dc>/books/v3 and accounts server per DC
 * (https://www.zoho.com/books/api/v3/introduction/#multidc and …/oauth/; destinations.md §6).
 */
export const DATA_CENTERS = ["com", "eu", "in", "com.au", "jp", "ca", "sa"] as const;
export type DataCenter = (typeof DATA_CENTERS)[number];

export const API_HOSTS = DATA_CENTERS.map((dc) => `www.zohoapis.${dc}`);
/** accounts.zoho.<dc>, except Canada's accounts.zohocloud.ca. */
export const ACCOUNTS_HOSTS = DATA_CENTERS.map((dc) => (dc === "ca" ? "accounts.zohocloud.ca" : `accounts.zoho.${dc}`));

export const ZohoConfig = PostingProfile.extend({
  /** The organization every call names in `organization_id` (GET /organizations). */
  organizationId: z.string().min(1),
  dataCenter: z.enum(DATA_CENTERS).default("com"),
  /** Token endpoint; when absent: the data centre's accounts server, or `<base URL>/oauth/v2/token` for a sandbox. */
  tokenUrl: z.string().url().optional(),
  documents: PostingProfile.shape.documents.default({ paid: "invoice_with_payment", unpaid: "invoice", byChannel: {} }),
  /** Customer (contact_id) for till sales with no named customer when `customers.walkIn` is not set. */
  walkInCustomerId: z.string().default("460000000000100"),
  /** Tax for taxed lines whose rate has no entry in `taxes.codes` (absent: such a line is refused). */
  defaultTaxId: z.string().optional(),
  /** Zoho payment_mode per tender when `payments.methods[…].method` is not set. */
  defaultPaymentMode: z.string().default("creditcard"),
  /** Deposit account (account_id) for customer payments and refunds when `payments.methods` has none. */
  depositAccountId: z.string().optional(),
});
export type ZohoConfig = z.infer<typeof ZohoConfig>;

export function zohoConfig(ctx: ConnectorContext | { connection: { config: Record<string, unknown> } }): ZohoConfig {
  const parsed = ZohoConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `Zoho Books connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
