// The S/4HANA connection's settings: sales area, document types, condition types and the posting profile in S/4 codes.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { PostingProfile } from "../../../../shared/posting/profile";

const SalesArea = z.object({
  salesOrganization: z.string().max(4),
  distributionChannel: z.string().max(2),
  division: z.string().max(2),
});

/**
 * Defaults are SAP's demo sales area 1710/10/00, customer 17100001 and material TG11 (SAP's own Sales Order API
 * examples), so a demo connection posts against the simulator as is; a real system maps its own codes.
 */
export const S4Config = PostingProfile.extend({
  /** S/4HANA Cloud tenant ("my123456" of my123456-api.s4hana.ondemand.com); on-premise systems set a base URL instead. */
  tenant: z.string().regex(/^[a-z0-9-]+$/).optional(),
  concurrency: z.number().int().min(1).max(100).default(5),
  salesArea: SalesArea.default({ salesOrganization: "1710", distributionChannel: "10", division: "00" }),
  /** Per source channel ("web", "store") and per source location id: a different sales area (partial overrides). */
  salesAreaByChannel: z.record(z.string(), SalesArea.partial()).default({}),
  salesAreaByLocation: z.record(z.string(), SalesArea.partial()).default({}),
  salesOrderType: z.string().max(4).default("OR"),
  creditMemoRequestType: z.string().max(4).default("CR"),
  /** Order reason a credit memo request must carry (SDDocumentReason). */
  creditMemoReason: z.string().max(3).default("001"),
  /** Manual condition types of the pricing procedure: price per unit, fixed-amount discount, fixed-amount tax. */
  conditions: z
    .object({ price: z.string().max(4).default("PPR0"), discount: z.string().max(4).default("RB00"), tax: z.string().max(4).default("TTX1") })
    .default({ price: "PPR0", discount: "RB00", tax: "TTX1" }),
  /** SKU → Material; unmapped SKUs post to the fallback material (S/4 materials are not created from orders). */
  items: z
    .object({ map: z.record(z.string(), z.string()).default({}), autoCreate: z.boolean().default(false), fallback: z.string().default("TG11") })
    .default({ map: {}, autoCreate: false, fallback: "TG11" }),
  shippingItem: z.string().default("SHIPPING"),
  giftCardItem: z.string().default("GIFTCARD"),
  roundingItem: z.string().default("ROUNDING"),
  tipItem: z.string().default("TIP"),
  /** Sold-to party: `walkIn` (a one-time customer) unless the e-mail is mapped. */
  customers: z.object({ walkIn: z.string().default("17100001"), createMissing: z.boolean().default(false) }).default({ walkIn: "17100001", createMissing: false }),
  customerByEmail: z.record(z.string(), z.string()).default({}),
  /** Source unit ("kg", "each") → S/4 unit of measure; unmapped units use the material's base unit. */
  units: z.record(z.string(), z.string()).default({}),
  /** Unpaid orders carry this billing block until they are paid ("" = none). */
  unpaidBillingBlock: z.string().max(2).default("02"),
  /** A cancelled order: header delivery block, then every item rejected with this reason. */
  cancellation: z.object({ deliveryBlock: z.string().max(2).default("01"), rejectionReason: z.string().max(2).default("50") }).default({ deliveryBlock: "01", rejectionReason: "50" }),
});
export type S4Config = z.infer<typeof S4Config>;

export function s4Config(ctx: ConnectorContext | { connection: { config: Record<string, unknown> } }): S4Config {
  const parsed = S4Config.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `S/4HANA connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
