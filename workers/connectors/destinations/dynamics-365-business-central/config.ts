// The Business Central connection settings (non-secret): tenant, environment, company, and what each kind of line posts to.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { PostingProfile } from "../../../../shared/posting/profile";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Defaults match a fresh company of the sandbox (CRONUS-like numbers): walk-in customer 10000, item MISC, G/L accounts
 * for shipping, tax, discounts, tips, rounding and gift cards, and tax group NONTAXABLE on every line — the source's
 * tax is posted as its own G/L line so BC never recomputes it differently.
 */
export const BcConfig = PostingProfile.extend({
  tenantId: z.string().min(1),
  environment: z.string().min(1).default("production"),
  companyId: z.string().regex(GUID, "company id is a GUID"),
  /** Entra token endpoint; when absent: Entra's, or `<base URL>/<tenant>/oauth2/v2.0/token` when the base URL is not Microsoft's. */
  tokenUrl: z.string().url().optional(),
  homeCurrency: CurrencyCode.default("USD"),
  walkInCustomerNumber: z.string().default("10000"),
  fallbackItemNumber: z.string().default("MISC"),
  /** Tax group code on every line (BC computes no tax on top of the source's). */
  lineTaxCode: z.string().default("NONTAXABLE"),
  accounts: z
    .object({
      shipping: z.string().default("40400"),
      tax: z.string().default("22300"),
      discount: z.string().default("40910"),
      tip: z.string().default("40500"),
      rounding: z.string().default("40920"),
      giftCard: z.string().default("22500"),
      refundAdjustment: z.string().default("40930"),
    })
    .default({ shipping: "40400", tax: "22300", discount: "40910", tip: "40500", rounding: "40920", giftCard: "22500", refundAdjustment: "40930" }),
  /** Post shipment and invoice (Microsoft.NAV.shipAndInvoice) when the source order is shipped. */
  shipAndInvoiceOnShipped: z.boolean().default(true),
});
export type BcConfig = z.infer<typeof BcConfig>;

export function bcConfig(ctx: ConnectorContext): BcConfig {
  const parsed = BcConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `Business Central connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
