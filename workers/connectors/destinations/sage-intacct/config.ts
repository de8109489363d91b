// The Sage Intacct connection settings: company, transaction definitions and the Intacct ids orders are posted with.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { PostingProfile } from "../../../../shared/posting/profile";

export const IntacctConfig = PostingProfile.extend({
  /** The company id users sign in to (login/companyid). */
  companyId: z.string().min(1),
  /** Order Entry transaction definition orders are created as ("Sales Order", "Sales Invoice", …). */
  orderTransactionDefinition: z.string().default("Sales Order"),
  /** Transaction definition refunds are created as (a return definition such as "Sales Return"). */
  returnTransactionDefinition: z.string().default("Sales Return"),
  /** The subtotal of those definitions that carries tax (its amount is sent, so Intacct's tax is the source's). */
  taxSubtotal: z.string().default("Tax"),
  /** Item for lines whose SKU has no `items.map` entry and when `items.fallback` is not set. */
  defaultItemId: z.string().default("MERCH"),
  shippingItemId: z.string().default("SHIPPING"),
  discountItemId: z.string().default("DISCOUNT"),
  roundingItemId: z.string().default("ROUNDING"),
  tipItemId: z.string().default("TIP"),
  giftCardItemId: z.string().default("GIFTCARD"),
  /** Customer for orders (named customers are written into the document's message). */
  walkInCustomerId: z.string().default("WALKIN"),
  /** The company's base currency; orders in another currency carry the currency block. */
  baseCurrency: CurrencyCode.default("USD"),
  /** Exchange rate type for foreign-currency orders without a source rate. */
  exchangeRateType: z.string().default("Intacct Daily Rate"),
  warehouseId: z.string().optional(),
});
export type IntacctConfig = z.infer<typeof IntacctConfig>;

export function intacctConfig(ctx: ConnectorContext | { connection: { config: Record<string, unknown> } }): IntacctConfig {
  const parsed = IntacctConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `Sage Intacct connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
