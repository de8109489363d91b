// The Xero connection settings: tenant, token endpoint, and the posting profile extended with Xero account codes.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { PostingProfile } from "../../../../shared/posting/profile";

/** Xero's token endpoint (xero_accounting.yaml components.securitySchemes.OAuth2.flows.authorizationCode.tokenUrl). */
export const XERO_TOKEN_URL = "https://identity.xero.com/connect/token";

/**
 * Defaults are the codes of Xero's standard chart of accounts (200 Sales, 260 Other Revenue, 090 Business Bank
 * Account, 860 Rounding) and tax types OUTPUT / NONE, so a connection with only `tenantId` posts.
 */
export const XeroConfig = PostingProfile.extend({
  /** The organisation's tenantId from GET https://api.xero.com/connections (xero-identity.yaml). */
  tenantId: z.string().min(1),
  /** Token endpoint; when absent: Xero's, or `<base URL>/connect/token` when the base URL is not Xero's. */
  tokenUrl: z.string().url().optional(),
  documents: PostingProfile.shape.documents.default({ paid: "invoice_with_payment", unpaid: "invoice", byChannel: {} }),
  salesAccountCode: z.string().default("200"),
  shippingAccountCode: z.string().default("260"),
  discountAccountCode: z.string().default("200"),
  tipAccountCode: z.string().default("260"),
  roundingAccountCode: z.string().default("860"),
  /** Bank account payments are received into when the tender has no mapping in `payments.methods`. */
  paymentAccountCode: z.string().default("090"),
  /** TaxType for taxed lines whose rate has no entry in `taxes.codes` (the amount itself is always locked). */
  defaultTaxType: z.string().default("OUTPUT"),
  /** TaxType for untaxed lines, discounts and rounding when `taxes.exempt` is not set. */
  noTaxType: z.string().default("NONE"),
  /** Contact name used for walk-in sales when `customers.walkIn` is not set. */
  walkInContactName: z.string().default("Walk-in customer"),
  /**
   * Test and bench only: the simulator's tenant runs this many "minutes" per real minute (its per-tenant timeScale),
   * so the connection's budget allows that many times Xero's per-minute figure. A divisor of 60, so a scaled minute
   * is whole seconds. Never set it for a real tenant.
   */
  simulatorTimeScale: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(10), z.literal(12), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]).optional(),
});
export type XeroConfig = z.infer<typeof XeroConfig>;

export function xeroConfig(ctx: ConnectorContext | { connection: { config: Record<string, unknown> } }): XeroConfig {
  const parsed = XeroConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({
      kind: "permanent",
      vendorCode: "config",
      message: `Xero connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    });
  }
  return parsed.data;
}
