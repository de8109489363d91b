// The Finance & Operations connection settings (non-secret): environment, legal entity, and the items each line posts to.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { PostingProfile } from "../../../../shared/posting/profile";

/**
 * Defaults match the sandbox's USMF-like legal entity: walk-in customer US-001, site 1 / warehouse 11, and non-stock
 * items for shipping, discounts, tax, tips, rounding, gift cards and refund adjustments. Items are never created by
 * OrderMesh (releasing products is master-data work in F&O): unmapped SKUs that are not released products post to
 * the fallback item with the product name in the line text.
 */
export const FoConfig = PostingProfile.extend({
  /** `<environment>.operations.dynamics.com` (e.g. "contoso-prod" or "contoso-uat.sandbox"). */
  environment: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/i, "the environment's host name before .operations.dynamics.com"),
  tenantId: z.string().min(1),
  /** Entra token endpoint; when absent: Entra's, or `<base URL>/<tenant>/oauth2/v2.0/token` when the base URL is not Microsoft's. */
  tokenUrl: z.string().url().optional(),
  /** Legal entity (company) the orders are created in. */
  dataAreaId: z.string().min(1).default("usmf"),
  customerAccount: z.string().default("US-001"),
  siteId: z.string().default("1"),
  warehouseId: z.string().default("11"),
  fallbackItemNumber: z.string().default("OM-MISC"),
  chargeItems: z
    .object({
      shipping: z.string().default("OM-SHIP"),
      discount: z.string().default("OM-DISC"),
      tax: z.string().default("OM-TAX"),
      tip: z.string().default("OM-TIP"),
      rounding: z.string().default("OM-ROUND"),
      giftCard: z.string().default("OM-GIFTCARD"),
      refundAdjustment: z.string().default("OM-REFUND"),
    })
    .default({ shipping: "OM-SHIP", discount: "OM-DISC", tax: "OM-TAX", tip: "OM-TIP", rounding: "OM-ROUND", giftCard: "OM-GIFTCARD", refundAdjustment: "OM-REFUND" }),
  /** Source unit → F&O unit symbol; anything else posts in `defaultUnit`. */
  unitMap: z.record(z.string(), z.string()).default({ kg: "kg", g: "g", lb: "lb" }),
  defaultUnit: z.string().default("ea"),
  /** Decimal precision of each unit (Units page); a quantity finer than its unit posts as one unit of its amount. */
  unitDecimals: z.record(z.string(), z.number().int().min(0).max(6)).default({ ea: 2, kg: 3, g: 0, lb: 3 }),
  /** Return reason code on credit-note lines. */
  creditNoteReasonCode: z.string().default("RETURN"),
});
export type FoConfig = z.infer<typeof FoConfig>;

export function foConfig(ctx: ConnectorContext): FoConfig {
  const parsed = FoConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `Finance & Operations connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
