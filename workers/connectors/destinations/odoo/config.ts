// The Odoo connection settings (non-secret): database, login, version (which API), and the records documents refer to.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { PostingProfile } from "../../../../shared/posting/profile";

/** Odoo 19 brings the JSON-2 API; earlier versions speak XML-RPC (deprecated in 19, removed in 22). */
export const JSON2_SINCE = 19;

/**
 * Defaults match the sandbox database: walk-in partner 7; service products for shipping, discounts, tax, tips,
 * rounding, gift cards and refund adjustments are found by internal reference (default_code) and created when missing.
 */
export const OdooConfig = PostingProfile.extend({
  database: z.string().min(1),
  /** The user the API key belongs to (XML-RPC `authenticate` takes login + key). */
  login: z.string().min(1),
  /** Major version of the server: 19+ uses JSON-2 (`/json/2/<model>/<method>`), earlier ones XML-RPC. */
  version: z.coerce.number().int().min(14).max(30),
  walkInPartnerId: z.number().int().positive().default(7),
  chargeCodes: z
    .object({
      shipping: z.string().default("OM-SHIP"),
      discount: z.string().default("OM-DISC"),
      tax: z.string().default("OM-TAX"),
      tip: z.string().default("OM-TIP"),
      rounding: z.string().default("OM-ROUND"),
      giftCard: z.string().default("OM-GIFTCARD"),
      refundAdjustment: z.string().default("OM-REFUND"),
      fallback: z.string().default("OM-MISC"),
    })
    .default({ shipping: "OM-SHIP", discount: "OM-DISC", tax: "OM-TAX", tip: "OM-TIP", rounding: "OM-ROUND", giftCard: "OM-GIFTCARD", refundAdjustment: "OM-REFUND", fallback: "OM-MISC" }),
  /** Source unit → Odoo unit of measure name, for products OrderMesh creates. */
  unitMap: z.record(z.string(), z.string()).default({ kg: "kg", g: "g", lb: "lb" }),
  /** Validate the delivery (stock.picking) when the source order ships. */
  validateDeliveries: z.boolean().default(true),
  /** Post credit notes (action_post) instead of leaving them as drafts. */
  postCreditNotes: z.boolean().default(true),
});
export type OdooConfig = z.infer<typeof OdooConfig>;

export function odooConfig(ctx: ConnectorContext): OdooConfig {
  const parsed = OdooConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `Odoo connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}

export const usesJson2 = (cfg: Pick<OdooConfig, "version">) => cfg.version >= JSON2_SINCE;

/** sale.order.line field names by version: Odoo 19 renamed tax_id → tax_ids and product_uom → product_uom_id. */
export function lineFields(cfg: Pick<OdooConfig, "version">): { taxes: string; uom: string } {
  return cfg.version >= JSON2_SINCE ? { taxes: "tax_ids", uom: "product_uom_id" } : { taxes: "tax_id", uom: "product_uom" };
}
