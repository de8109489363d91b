// The posting profile every destination connection carries: which document an order becomes and how it is coded.
import { z } from "zod";
import type { Order, OrderLine, TaxLine } from "../model/order";

export const DocumentChoice = z.enum(["sales_receipt", "invoice_with_payment", "invoice", "sales_order"]);
export type DocumentChoice = z.infer<typeof DocumentChoice>;

const Dimensions = z.object({
  class: z.string().optional(),
  department: z.string().optional(),
  location: z.string().optional(),
  trackingCategory: z.string().optional(),
  trackingOption: z.string().optional(),
  branch: z.string().optional(),
  subsidiary: z.string().optional(),
});
export type Dimensions = z.infer<typeof Dimensions>;

export const PostingProfile = z.object({
  documents: z
    .object({
      paid: DocumentChoice.default("sales_receipt").describe("Paid orders (till sales, captured web orders)."),
      unpaid: DocumentChoice.default("invoice").describe("Orders not paid yet (invoices to collect, sales orders to fulfil)."),
      byChannel: z
        .record(z.string(), z.object({ paid: DocumentChoice.optional(), unpaid: DocumentChoice.optional() }))
        .default({})
        .describe('Per-channel overrides (channel "web": sales orders to fulfil, "store": receipts).'),
    })
    .default({ paid: "sales_receipt", unpaid: "invoice", byChannel: {} })
    .describe("Which document each order becomes, by payment state, then by channel."),
  items: z
    .object({
      map: z.record(z.string(), z.string()).default({}).describe("SKU → destination item id/code."),
      autoCreate: z.boolean().default(true).describe("Create an item for an unmapped SKU."),
      fallback: z.string().optional().describe("Used for lines without SKU or when auto-create is off."),
    })
    .default({ map: {}, autoCreate: true }),
  customers: z
    .object({
      walkIn: z.string().optional().describe("Customer for till sales with no named customer."),
      createMissing: z.boolean().default(true).describe("Web orders: match by email, else create."),
    })
    .default({ createMissing: true }),
  locations: z.record(z.string(), Dimensions).default({}).describe("Source location id → destination dimensions (class, department, tracking category, branch, location)."),
  payments: z
    .object({
      methods: z
        .record(z.string(), z.object({ account: z.string().optional(), method: z.string().optional() }))
        .default({})
        .describe("Source payment method/gateway → deposit account and payment method in the destination."),
      defaultAccount: z.string().optional().describe("Deposit account for payment methods not mapped above."),
    })
    .default({ methods: {} }),
  taxes: z
    .object({
      codes: z
        .array(z.object({ rate: z.string(), jurisdiction: z.string().optional(), code: z.string() }))
        .default([])
        .describe("Rate (decimal fraction, 0.0825) and optional jurisdiction → destination tax code."),
      exempt: z.string().optional().describe("Code for untaxed lines."),
    })
    .default({ codes: [] }),
  shippingItem: z.string().optional().describe("Item shipping charges post to."),
  discountItem: z.string().optional().describe("Item discounts post to."),
  giftCardItem: z.string().optional().describe("Item gift-card sales post to."),
  roundingItem: z.string().optional().describe("Item rounding adjustments post to."),
  homeCurrency: z.string().optional().describe("The destination company's home currency; other currencies carry the source's exchange rate."),
  docNumberPrefix: z.string().default("").describe("Prefix for document numbers (keeps numbers from two sources apart)."),
});
export type PostingProfile = z.infer<typeof PostingProfile>;

export function isPaid(order: Order): boolean {
  return ["paid", "partially_refunded", "refunded"].includes(order.financialStatus);
}

/** Which document this order becomes under the profile (channel override first). */
export function documentFor(order: Order, profile: PostingProfile): DocumentChoice {
  const byChannel = profile.documents.byChannel[order.channel];
  return isPaid(order) ? (byChannel?.paid ?? profile.documents.paid) : (byChannel?.unpaid ?? profile.documents.unpaid);
}

export function itemFor(line: OrderLine, profile: PostingProfile): { mapped: string } | { create: { sku: string; name: string } } | { fallback: string } | null {
  const special = line.giftCard ? profile.giftCardItem : undefined;
  if (special) return { mapped: special };
  if (line.sku && profile.items.map[line.sku]) return { mapped: profile.items.map[line.sku]! };
  if (line.sku && profile.items.autoCreate) return { create: { sku: line.sku, name: line.name } };
  if (profile.items.fallback) return { fallback: profile.items.fallback };
  return null;
}

/** Tax code for a tax line: exact rate (and jurisdiction when the mapping names one). */
export function taxCodeFor(tax: TaxLine, profile: PostingProfile): string | undefined {
  const rate = normalizeRate(tax.rate);
  const hits = profile.taxes.codes.filter((c) => normalizeRate(c.rate) === rate);
  return (hits.find((c) => c.jurisdiction && c.jurisdiction === tax.jurisdiction) ?? hits.find((c) => !c.jurisdiction) ?? hits[0])?.code;
}

export function dimensionsFor(order: Order, profile: PostingProfile): Dimensions {
  return (order.locationId && profile.locations[order.locationId]) || {};
}

export function depositFor(order: Order, profile: PostingProfile): { account?: string; method?: string } {
  const p = order.payments.find((x) => x.status === "success" && (x.kind === "sale" || x.kind === "capture"));
  const m = p ? (profile.payments.methods[p.method] ?? (p.gateway ? profile.payments.methods[p.gateway] : undefined)) : undefined;
  return { account: m?.account ?? profile.payments.defaultAccount, method: m?.method };
}

function normalizeRate(rate: string): string {
  const [i = "0", f = ""] = rate.split(".");
  const frac = f.replace(/0+$/, "");
  return `${String(Number(i))}${frac ? `.${frac}` : ""}`;
}
