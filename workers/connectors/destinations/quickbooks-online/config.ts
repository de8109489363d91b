// The QBO posting profile a connection carries (non-secret): realm, token endpoint and the ids documents are posted with.
import { z } from "zod";
import { CurrencyCode } from "../../../../shared/model/money";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";

/** Intuit's token endpoint (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0). */
export const INTUIT_TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";

const Ids = z.record(z.string(), z.string()).default({});

/**
 * Defaults are the ids of a fresh sandbox company (walk-in customer "1", items "1" sales / "2" rounding / "3" gift
 * card / "4" tips, QBO's special "SHIPPING_ITEM_ID", accounts "1" income / "2" Undeposited Funds / "3" discounts),
 * so a connection with only `realmId` posts; a real company maps its own ids here.
 */
export const QboConfig = z.object({
  realmId: z.string().min(1),
  /** Token endpoint; when absent: Intuit's, or `<base URL>/oauth2/v1/tokens/bearer` when the base URL is not Intuit's. */
  tokenUrl: z.string().url().optional(),
  homeCurrency: CurrencyCode.default("USD"),
  walkInCustomerId: z.string().default("1"),
  /** SKU → Item Id. */
  itemMap: Ids,
  autoCreateItems: z.boolean().default(true),
  fallbackItemId: z.string().default("1"),
  /** Income account for items created by SKU. */
  incomeAccountId: z.string().default("1"),
  shippingItemId: z.string().default("SHIPPING_ITEM_ID"),
  roundingItemId: z.string().default("2"),
  giftCardItemId: z.string().default("3"),
  tipItemId: z.string().default("4"),
  discountAccountId: z.string().default("3"),
  depositAccountId: z.string().default("2"),
  /** Tender method ("cash", "visa") → PaymentMethod Id. */
  paymentMethodMap: Ids,
  /** Tender method ("gift_card") → deposit Account Id for its Payment (split tender); depositAccountId otherwise. */
  depositAccountMap: Ids,
  /** "<jurisdiction>:<rate>", "<rate>", "<jurisdiction>" or tax code → TaxCode Id. */
  taxCodeMap: Ids,
  /** TaxCode for taxable and exempt lines when the map has no entry (US companies: TAX / NON). */
  taxableCodeId: z.string().default("TAX"),
  exemptCodeId: z.string().default("NON"),
  /** Location id → Class Id. */
  classMap: Ids,
  docNumberPrefix: z.string().default(""),
  /**
   * The part of the company's API limits this connection may use when other apps work on the same company (Intuit
   * counts 500 requests a minute per realm, limits.md §19); absent, all of it.
   */
  apiShare: z
    .object({ perMinute: z.number().int().min(1).max(500).optional(), concurrency: z.number().int().min(1).max(10).optional() })
    .optional(),
});
export type QboConfig = z.infer<typeof QboConfig>;

export function qboConfig(ctx: ConnectorContext): QboConfig {
  const parsed = QboConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", message: `QuickBooks connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, vendorCode: "config" });
  }
  return parsed.data;
}
