// The NetSuite connection's settings: account, concurrency and the posting profile with NetSuite internal ids.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { DocumentChoice, PostingProfile } from "../../../../shared/posting/profile";

/**
 * NetSuite's own currency internal ids of a fresh account (1 USD, 2 GBP, 3 CAD, 4 EUR) plus ids the simulator
 * gives the other currencies OrderMesh sells in; a real account lists its ids under Lists > Accounting > Currencies.
 */
export const DEFAULT_CURRENCIES: Record<string, string> = { USD: "1", GBP: "2", CAD: "3", EUR: "4", JPY: "5", KWD: "6", INR: "7", AUD: "8", ETB: "9", AED: "10", CNY: "11" };

const NetSuiteSettings = PostingProfile.extend({
  /** Account ID as NetSuite shows it ("1234567" or "1234567_SB1"): the OAuth realm. */
  accountId: z.string().regex(/^[0-9A-Za-z_]+$/, "NetSuite account ID (letters, digits, underscore)"),
  /**
   * Concurrent requests this integration may use: the account limit is shared by every integration (shared tier 5,
   * Tier 1 15, +10 per SuiteCloud Plus licence — limits.md §4); give OrderMesh its allocation.
   */
  concurrency: z.number().int().min(1).max(200).default(5),
  /** Till sales become cash sales; web orders (to ship) and unpaid orders become sales orders. */
  documents: z
    .object({
      paid: DocumentChoice.default("sales_receipt"),
      unpaid: DocumentChoice.default("sales_order"),
      byChannel: z.record(z.string(), z.object({ paid: DocumentChoice.optional(), unpaid: DocumentChoice.optional() })).default({ web: { paid: "sales_order", unpaid: "sales_order" } }),
    })
    .default({ paid: "sales_receipt", unpaid: "sales_order", byChannel: { web: { paid: "sales_order", unpaid: "sales_order" } } }),
  /** SKU → item internal id; NetSuite items are not created from orders (they need accounts), unmapped SKUs post to the fallback. */
  items: z
    .object({ map: z.record(z.string(), z.string()).default({}), autoCreate: z.boolean().default(false), fallback: z.string().default("1") })
    .default({ map: {}, autoCreate: false, fallback: "1" }),
  shippingItem: z.string().default("2"),
  roundingItem: z.string().default("3"),
  giftCardItem: z.string().default("4"),
  tipItem: z.string().default("5"),
  /** Default subsidiary, location, department and class; a location entry of the profile overrides them per store. */
  subsidiary: z.string().default("1"),
  location: z.string().optional(),
  department: z.string().optional(),
  class: z.string().optional(),
  /** ISO 4217 → currency internal id. */
  currencies: z.record(z.string(), z.string()).default(DEFAULT_CURRENCIES),
  /** Rate → SuiteTax code; `taxCode` for taxed lines whose rate is not mapped; `exempt` for untaxed lines. */
  taxes: z
    .object({ codes: z.array(z.object({ rate: z.string(), jurisdiction: z.string().optional(), code: z.string() })).default([]), exempt: z.string().default("-7") })
    .default({ codes: [], exempt: "-7" }),
  taxCode: z.string().default("5"),
  /** Walk-in sales post to customer `walkIn`; web customers are upserted by an external id made from their email. */
  customers: z.object({ walkIn: z.string().default("1"), createMissing: z.boolean().default(true) }).default({ walkIn: "1", createMissing: true }),
});

/** Adds the REST host label NetSuite derives from the account ID ("1234567_SB1" → "1234567-sb1"). */
export const NetSuiteConfig = NetSuiteSettings.transform((c) => ({ ...c, accountHost: c.accountId.toLowerCase().replace(/_/g, "-") }));
export type NetSuiteConfig = z.infer<typeof NetSuiteConfig>;

export function netsuiteConfig(ctx: ConnectorContext | { connection: { config: Record<string, unknown> } }): NetSuiteConfig {
  const parsed = NetSuiteConfig.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `NetSuite connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
