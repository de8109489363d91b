// Builds realistic random Shopify orders (several lines, tax lines, a discount code, shipping) consistent to the cent.
import { z } from "zod";
import { allocate, exponentOf, sum } from "../../../../shared/model/money";
import { amount, moneySet, shopifyTime, type ShopifyOrder } from "./records";

export const GenerateOptions = z.object({
  currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
  taxesIncluded: z.boolean().optional(),
  /** Number of line items (1–20); random 1–4 when omitted. */
  lines: z.number().int().min(1).max(20).optional(),
  financialStatus: z.enum(["pending", "authorized", "paid"]).optional(),
  /** "web" (shipped, online) or "pos" (a till sale, no shipping); random when omitted. */
  sourceName: z.enum(["web", "pos"]).optional(),
  /** Apply the WELCOME10 code; random when omitted. */
  discount: z.boolean().optional(),
  /** Seed for this order's random choices (replayable simulations); the simulator's own RNG when omitted. */
  seed: z.number().int().nonnegative().optional(),
  /** Order id (and number) to use instead of the next one in sequence. */
  id: z.number().int().positive().optional(),
  /**
   * Split tender: the gateways that paid ("gift_card", "shopify_payments"), each with its decimal amount; the last
   * one without an amount takes the rest. Sets payment_gateway_names; the sale transactions follow these amounts.
   */
  tenders: z.array(z.object({ gateway: z.string().min(1), amount: z.string().regex(/^\d+(\.\d+)?$/).optional() })).min(1).optional(),
  /** Tax lines charged on every line and shipping instead of the market's (Canadian GST 0.05 + PST 0.07). */
  taxes: z.array(z.object({ title: z.string().min(1), rate: z.string().regex(/^0(\.\d{1,6})?$/) })).optional(),
  /** Adds loose sumac sold by weight: a "25 g" variant (line grams 25) bought as `grams` / 25 units. */
  weighedGrams: z.number().int().positive().multipleOf(25).optional(),
  /** The location the order is placed at (a till) or fulfilled from (web): its location_id; a POS order's default else. */
  locationId: z.number().int().positive().optional(),
});
export type GenerateOptions = z.infer<typeof GenerateOptions>;

interface Ids {
  nextId(kind: string): number;
}

/** A small grocery catalogue (prices in US cents), names as the shops write them. */
const PRODUCTS = [
  { title: "Basmati Rice", variant: "5 kg", sku: "RICE-BASMATI-5KG", cents: 1899, grams: 5000 },
  { title: "コシヒカリ 米", variant: "2 kg", sku: "RICE-KOSHI-2KG", cents: 2450, grams: 2000 },
  { title: "Za'atar", variant: "250 g", sku: "SPICE-ZAATAR-250", cents: 799, grams: 250 },
  { title: "Paneer", variant: "400 g", sku: "DAIRY-PANEER-400", cents: 649, grams: 400 },
  { title: "고추장 Gochujang", variant: "500 g", sku: "SAUCE-GOCHU-500", cents: 899, grams: 500 },
  { title: "Ghee", variant: "1 kg", sku: "DAIRY-GHEE-1KG", cents: 1599, grams: 1000 },
  { title: "Tamarind Paste", variant: "200 g", sku: "PASTE-TAMA-200", cents: 349, grams: 200 },
  { title: "Кефир", variant: "1 l", sku: "DAIRY-KEFIR-1L", cents: 429, grams: 1000 },
  { title: "Harissa", variant: "190 g", sku: "SAUCE-HARISSA-190", cents: 529, grams: 190 },
  { title: "Masa Harina", variant: "2 kg", sku: "FLOUR-MASA-2KG", cents: 699, grams: 2000 },
];

/** Sold loose by weight: each unit is 25 g at the price per 25 g (Shopify quantities are whole units). */
const LOOSE = { title: "Sumac (loose)", variant: "25 g", sku: "SPICE-SUMAC-LOOSE", cents: 120, grams: 25 };

const VARIANT_BASE = 39072000;
const indexOf = (p: (typeof PRODUCTS)[number]) => (p === LOOSE ? PRODUCTS.length : PRODUCTS.indexOf(p));

/** The variant id of every product of the catalogue (the loose one last). */
export const CATALOGUE_VARIANT_IDS: readonly number[] = [...PRODUCTS, LOOSE].map((_, i) => VARIANT_BASE + i);

/** A decimal rate ("0.07") in millionths, exactly. */
function micro(rate: string): number {
  const [, f = ""] = rate.split(".");
  return Number(f.padEnd(6, "0"));
}

const CUSTOMERS = [
  { first_name: "Amara", last_name: "Okafor" },
  { first_name: "Hiroshi", last_name: "Tanaka" },
  { first_name: "Léa", last_name: "Dubois" },
  { first_name: "Мария", last_name: "Иванова" },
  { first_name: "Rahul", last_name: "Sharma" },
  { first_name: "Fatima", last_name: "Al-Sayed" },
];

/** Per currency: minor units per US cent (num/den), tax lines (rate in millionths) and whether prices include tax. */
const MARKETS: Record<string, { num: number; den: number; taxes: { title: string; micro: number }[]; included: boolean; country: string }> = {
  USD: { num: 1, den: 1, taxes: [{ title: "NY State Tax", micro: 40_000 }, { title: "New York City Tax", micro: 45_000 }], included: false, country: "US" },
  CAD: { num: 135, den: 100, taxes: [{ title: "HST", micro: 130_000 }], included: false, country: "CA" },
  EUR: { num: 92, den: 100, taxes: [{ title: "MwSt", micro: 70_000 }], included: true, country: "DE" },
  GBP: { num: 79, den: 100, taxes: [{ title: "VAT", micro: 200_000 }], included: true, country: "GB" },
  JPY: { num: 150, den: 100, taxes: [{ title: "消費税", micro: 80_000 }], included: true, country: "JP" },
  KWD: { num: 31, den: 10, taxes: [], included: false, country: "KW" },
};

/** Rounds num/den half away from zero (BigInt, exact). */
function roundDiv(num: bigint, den: bigint): number {
  const q = num / den;
  const r = num % den;
  return Number(r * 2n >= den ? q + 1n : q);
}

function price(cents: number, currency: string): number {
  const m = MARKETS[currency];
  // Non-listed currencies use the cent figure as minor units, scaled to their exponent.
  if (!m) return roundDiv(BigInt(cents) * 10n ** BigInt(exponentOf(currency)), 100n);
  return roundDiv(BigInt(cents) * BigInt(m.num), BigInt(m.den));
}

function rateNumber(micro: number): number {
  return Number((micro / 1_000_000).toFixed(6));
}

/** Tax on a net amount for each tax line: exclusive rate × net, or the included share net × rate / (1 + Σ rates). */
function taxAmounts(net: number, taxes: { micro: number }[], included: boolean): number[] {
  const total = taxes.reduce((a, t) => a + t.micro, 0);
  return taxes.map((t) => roundDiv(BigInt(net) * BigInt(t.micro), BigInt(included ? 1_000_000 + total : 1_000_000)));
}

export function generateOrder(opts: GenerateOptions, random: () => number, ids: Ids, now: Date): ShopifyOrder {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const currency = (opts.currency ?? pick(Object.keys(MARKETS))).toUpperCase();
  const base = MARKETS[currency] ?? { num: 1, den: 1, taxes: [], included: false, country: "US" };
  const market = opts.taxes ? { ...base, taxes: opts.taxes.map((t) => ({ title: t.title, micro: micro(t.rate) })) } : base;
  const included = opts.taxesIncluded ?? market.included;
  const source = opts.sourceName ?? (random() < 0.5 ? "pos" : "web");
  const lineCount = opts.lines ?? 1 + Math.floor(random() * 4);
  const discounted = opts.discount ?? random() < 0.5;
  const financial = opts.financialStatus ?? "paid";
  const at = shopifyTime(now);
  const id = ids.nextId("order");
  const number = ids.nextId("order_number");

  const products = Array.from({ length: lineCount }, () => pick(PRODUCTS));
  const quantities = products.map(() => 1 + Math.floor(random() * 3));
  if (opts.weighedGrams !== undefined) {
    products.push(LOOSE);
    quantities.push(opts.weighedGrams / LOOSE.grams);
  }
  const gross = products.map((p, i) => price(p.cents, currency) * quantities[i]!);
  const discountTotal = discounted ? Math.floor(sum(gross) / 10) : 0;
  const shares = discounted ? allocate(discountTotal, gross) : gross.map(() => 0);

  const taxLine = (title: string, micro: number, minor: number) => ({
    channel_liable: false,
    price: amount(minor, currency),
    price_set: moneySet(minor, currency),
    rate: rateNumber(micro),
    title,
  });
  const allocation = (minor: number) => ({ amount: amount(minor, currency), amount_set: moneySet(minor, currency), discount_application_index: 0 });

  const taxTotals = new Map<string, { micro: number; minor: number }>();
  const addTax = (title: string, micro: number, minor: number) => {
    const t = taxTotals.get(title) ?? { micro, minor: 0 };
    t.minor += minor;
    taxTotals.set(title, t);
  };

  const lineItems = products.map((p, i) => {
    const lineId = ids.nextId("line_item");
    const unit = price(p.cents, currency);
    const taxes = taxAmounts(gross[i]! - shares[i]!, market.taxes, included);
    market.taxes.forEach((t, k) => addTax(t.title, t.micro, taxes[k]!));
    return {
      id: lineId,
      admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
      current_quantity: quantities[i]!,
      fulfillable_quantity: quantities[i]!,
      fulfillment_service: "manual",
      fulfillment_status: null,
      gift_card: false,
      grams: p.grams,
      name: `${p.title} - ${p.variant}`,
      price: amount(unit, currency),
      price_set: moneySet(unit, currency),
      product_exists: true,
      product_id: 632910000 + indexOf(p),
      properties: [],
      quantity: quantities[i]!,
      requires_shipping: source === "web",
      sku: p.sku,
      taxable: market.taxes.length > 0,
      title: p.title,
      total_discount: amount(0, currency),
      total_discount_set: moneySet(0, currency),
      variant_id: VARIANT_BASE + indexOf(p),
      variant_inventory_management: "shopify",
      variant_title: p.variant,
      vendor: "OrderMesh Grocers",
      tax_lines: market.taxes.map((t, k) => taxLine(t.title, t.micro, taxes[k]!)),
      duties: [],
      discount_allocations: discounted ? [allocation(shares[i]!)] : [],
    };
  });

  const shipping = source === "web" ? price(799, currency) : 0;
  const shippingTaxes = taxAmounts(shipping, market.taxes, included);
  if (shipping > 0) market.taxes.forEach((t, k) => addTax(t.title, t.micro, shippingTaxes[k]!));
  const shippingLines =
    shipping > 0
      ? [
          {
            id: ids.nextId("shipping_line"),
            carrier_identifier: null,
            code: "Standard",
            discounted_price: amount(shipping, currency),
            discounted_price_set: moneySet(shipping, currency),
            phone: null,
            price: amount(shipping, currency),
            price_set: moneySet(shipping, currency),
            requested_fulfillment_service_id: null,
            source: "shopify",
            title: "Standard Shipping",
            tax_lines: market.taxes.map((t, k) => taxLine(t.title, t.micro, shippingTaxes[k]!)),
            discount_allocations: [],
          },
        ]
      : [];

  const lineGross = sum(gross);
  const subtotal = lineGross - discountTotal;
  const tax = sum([...taxTotals.values()].map((t) => t.minor));
  const total = subtotal + shipping + (included ? 0 : tax);
  const person = pick(CUSTOMERS);
  const walkIn = source === "pos" && random() < 0.4;
  const email = `${person.first_name.toLowerCase().normalize("NFKD").replace(/[^a-z]/g, "") || "guest"}.${number}@example.com`;
  const address = {
    first_name: person.first_name,
    last_name: person.last_name,
    name: `${person.first_name} ${person.last_name}`,
    address1: `${10 + Math.floor(random() * 900)} Market Street`,
    address2: "",
    city: "Springfield",
    province: null,
    province_code: null,
    zip: "12345",
    country_code: market.country,
    phone: null,
    company: null,
  };
  const gateways = opts.tenders
    ? [...new Set(opts.tenders.map((t) => t.gateway))]
    : financial === "paid" || financial === "authorized"
      ? [source === "pos" ? pick(["cash", "shopify_payments"]) : "shopify_payments"]
      : [];

  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${number}`,
    number: number - 1000,
    order_number: number,
    confirmation_number: Math.floor(random() * 36 ** 9).toString(36).toUpperCase().padStart(9, "0"),
    confirmed: true,
    test: false,
    token: crypto.randomUUID().replace(/-/g, ""),
    created_at: at,
    updated_at: at,
    processed_at: at,
    closed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    currency,
    presentment_currency: currency,
    taxes_included: included,
    estimated_taxes: false,
    tax_exempt: false,
    financial_status: financial,
    fulfillment_status: null,
    source_name: source,
    location_id: opts.locationId ?? (source === "pos" ? 655441491 : null),
    email: walkIn ? "" : email,
    phone: null,
    note: null,
    tags: "",
    customer: walkIn
      ? null
      : { id: 207119000 + CUSTOMERS.indexOf(person), email, first_name: person.first_name, last_name: person.last_name, phone: null, currency, tags: "" },
    billing_address: walkIn ? null : address,
    shipping_address: source === "web" && !walkIn ? address : null,
    payment_gateway_names: gateways,
    line_items: lineItems,
    shipping_lines: shippingLines,
    discount_codes: discounted ? [{ code: "WELCOME10", amount: amount(discountTotal, currency), type: "percentage" }] : [],
    discount_applications: discounted
      ? [{ target_type: "line_item", type: "discount_code", value: "10.0", value_type: "percentage", allocation_method: "across", target_selection: "all", code: "WELCOME10" }]
      : [],
    tax_lines: [...taxTotals.entries()].map(([title, t]) => taxLine(title, t.micro, t.minor)),
    total_line_items_price: amount(lineGross, currency),
    total_line_items_price_set: moneySet(lineGross, currency),
    subtotal_price: amount(subtotal, currency),
    subtotal_price_set: moneySet(subtotal, currency),
    total_discounts: amount(discountTotal, currency),
    total_discounts_set: moneySet(discountTotal, currency),
    total_shipping_price_set: moneySet(shipping, currency),
    total_tax: amount(tax, currency),
    total_tax_set: moneySet(tax, currency),
    total_tip_received: amount(0, currency),
    total_price: amount(total, currency),
    total_price_set: moneySet(total, currency),
    current_subtotal_price: amount(subtotal, currency),
    current_total_discounts: amount(discountTotal, currency),
    current_total_tax: amount(tax, currency),
    current_total_price: amount(total, currency),
    total_outstanding: amount(financial === "paid" ? 0 : total, currency),
    total_weight: sum(products.map((p, i) => p.grams * quantities[i]!)),
    refunds: [],
    fulfillments: [],
  };
}
