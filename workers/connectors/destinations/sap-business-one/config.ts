// The SAP Business One connection's settings: company database and the posting profile in B1 codes.
import { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { DocumentChoice, PostingProfile } from "../../../../shared/posting/profile";

/**
 * Defaults are codes of SAP's demo company as SAP's own samples use them (../shared/specs/sap-business-one/:
 * customer C20000, item A00001, tax code PA — 6 % Pennsylvania sales tax), so a demo connection posts as is.
 */
export const SapB1Config = PostingProfile.extend({
  /** Host (and port) of the customer's Service Layer, "b1.example.com:50000"; the connection reaches no other host. */
  serviceLayerHost: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "host or host:port").optional(),
  /** The company database the Service Layer logs in to (Login body `CompanyDB`). */
  companyDB: z.string().min(1).default("SBODEMOUS"),
  /** Requests in flight per connection: B1 publishes no limit; the Service Layer runs on the customer's server. */
  concurrency: z.number().int().min(1).max(50).default(4),
  /** Till sales become A/R invoices; orders to fulfil become sales orders. */
  documents: z
    .object({
      paid: DocumentChoice.default("invoice"),
      unpaid: DocumentChoice.default("sales_order"),
      byChannel: z.record(z.string(), z.object({ paid: DocumentChoice.optional(), unpaid: DocumentChoice.optional() })).default({ web: { paid: "sales_order", unpaid: "sales_order" } }),
    })
    .default({ paid: "invoice", unpaid: "sales_order", byChannel: { web: { paid: "sales_order", unpaid: "sales_order" } } }),
  /** SKU → ItemCode; unmapped SKUs are looked up as ItemCode and created (POST /Items) when missing. */
  items: z
    .object({ map: z.record(z.string(), z.string()).default({}), autoCreate: z.boolean().default(true), fallback: z.string().default("A00001") })
    .default({ map: {}, autoCreate: true, fallback: "A00001" }),
  shippingItem: z.string().default("SHIPPING"),
  giftCardItem: z.string().default("GIFTCARD"),
  tipItem: z.string().default("TIP"),
  customers: z.object({ walkIn: z.string().default("C20000"), createMissing: z.boolean().default(true) }).default({ walkIn: "C20000", createMissing: true }),
  /** Rate → TaxCode (US localization; VatGroup elsewhere); `exempt` for untaxed lines. */
  taxes: z
    .object({ codes: z.array(z.object({ rate: z.string(), jurisdiction: z.string().optional(), code: z.string() })).default([{ rate: "0.06", code: "PA" }]), exempt: z.string().default("EX") })
    .default({ codes: [{ rate: "0.06", code: "PA" }], exempt: "EX" }),
  /** TaxCode for taxed lines whose rate the profile does not map (the line's tax amount is the source's either way). */
  taxCode: z.string().default("TAX"),
  /** The company's local currency: documents in it carry no DocCurrency/DocRate. */
  homeCurrency: z.string().default("USD"),
  /** Warehouse for lines when the store's location entry names none. */
  warehouse: z.string().optional(),
});
export type SapB1Config = z.infer<typeof SapB1Config>;

export function b1Config(ctx: ConnectorContext | { connection: { config: Record<string, unknown> } }): SapB1Config {
  const parsed = SapB1Config.safeParse(ctx.connection.config);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `SAP Business One connection settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
  }
  return parsed.data;
}
