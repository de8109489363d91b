// The Salesforce connection settings (non-secret): My Domain, API version, External ID fields, account, price book, statuses.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { PostingProfile } from "../../../../shared/posting/profile";

const ApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "an API name");

/**
 * Defaults match the sandbox org: walk-in Account, the standard price book, External ID fields on Order and OrderItem,
 * and Order Status picklist values "Shipped" (Activated category) and "Cancelled" (Draft category) that a retailer adds
 * in Setup; set a value to "" to leave that state alone.
 */
export const SfConfig = PostingProfile.extend({
  /** `<myDomain>.my.salesforce.com` (e.g. "acme" or "acme--uat.sandbox"). */
  myDomain: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/i),
  apiVersion: z.string().regex(/^v\d+\.\d$/).default("v62.0"),
  /** OAuth token endpoint; default `<base URL>/services/oauth2/token` (the My Domain). */
  tokenUrl: z.string().url().optional(),
  /** Salesforce does not say when a session ends (Session Settings, 2 h by default); refreshed earlier on a 401 anyway. */
  sessionSeconds: z.number().int().positive().default(7200),
  orderExternalIdField: ApiName.default("External_Order_Id__c"),
  lineExternalIdField: ApiName.default("External_Line_Id__c"),
  accountId: z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/).default("001000000000001AAA"),
  /** Price book for orders; absent: the standard price book. */
  pricebookId: z.string().optional(),
  /** OrderItem.Quantity keeps this many decimals; finer quantities post as one unit of their amount. */
  quantityDecimals: z.number().int().min(0).max(8).default(2),
  productCodes: z
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
  statuses: z
    .object({ draft: z.string().default("Draft"), activated: z.string().default("Activated"), shipped: z.string().default("Shipped"), cancelled: z.string().default("Cancelled") })
    .default({ draft: "Draft", activated: "Activated", shipped: "Shipped", cancelled: "Cancelled" }),
  /** Order.Type of a credit order (a refund as an order with negative quantities). */
  creditOrderType: z.string().default("Return"),
});
export type SfConfig = z.infer<typeof SfConfig>;

export function sfConfig(ctx: ConnectorContext): SfConfig {
  const parsed = SfConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `Salesforce connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
