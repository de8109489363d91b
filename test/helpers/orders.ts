// Canonical orders for destination tests: hand-written edge cases and fast-check arbitraries, all passing checkOrderTotals.
import fc from "fast-check";
import { checkOrderTotals } from "../../shared/model/totals";
import { Order, type OrderInput, type Refund } from "../../shared/model/order";
import { extend } from "../../shared/model/quantity";

type LineSpec = {
  name: string;
  sku?: string;
  quantity: string;
  unit?: string;
  unitPrice: number;
  /** Source line amount when it rounds quantity × price its own way (defaults to the exact half-up product). */
  grossAmount?: number;
  discounts?: { amount: number; code?: string }[];
  tax?: { amount: number; rate: string; title?: string; jurisdiction?: string };
  giftCard?: boolean;
  taxable?: boolean;
};

export interface OrderSpec {
  id: string;
  number?: string;
  currency: string;
  taxesIncluded: boolean;
  channel?: "store" | "web";
  customer?: { email?: string; name?: string };
  lines: LineSpec[];
  shipping?: { title: string; amount: number; discounts?: { amount: number; code?: string }[]; tax?: number }[];
  /** Order-level discounts not allocated to lines. */
  orderDiscounts?: { amount: number; code?: string }[];
  /** Tax of the whole order (exclusive: added to the total; inclusive: already inside the prices). */
  tax: number;
  tip?: number;
  financialStatus?: Order["financialStatus"];
  status?: Order["status"];
}

/** Builds a canonical order whose totals add up (checkOrderTotals), or throws. */
export function buildOrder(spec: OrderSpec): Order {
  const lines = spec.lines.map((l, i) => ({
    id: `${spec.id}-L${i + 1}`,
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    unit: l.unit,
    unitPrice: l.unitPrice,
    grossAmount: l.grossAmount ?? extend(l.quantity, l.unitPrice),
    discounts: l.discounts ?? [],
    taxes: l.tax ? [{ title: l.tax.title ?? "Tax", rate: l.tax.rate, amount: l.tax.amount, jurisdiction: l.tax.jurisdiction }] : [],
    giftCard: l.giftCard ?? false,
    taxable: l.taxable ?? !l.giftCard,
  }));
  const shipping = (spec.shipping ?? []).map((s, i) => ({ id: `${spec.id}-S${i + 1}`, title: s.title, amount: s.amount, discounts: s.discounts ?? [], taxes: s.tax ? [{ title: "Tax", rate: "0", amount: s.tax }] : [] }));
  const lineDiscounts = lines.reduce((a, l) => a + l.discounts.reduce((b, d) => b + d.amount, 0), 0);
  const shipDiscounts = shipping.reduce((a, s) => a + s.discounts.reduce((b, d) => b + d.amount, 0), 0);
  const unallocated = (spec.orderDiscounts ?? []).reduce((a, d) => a + d.amount, 0);
  const subtotal = lines.reduce((a, l) => a + l.grossAmount, 0);
  const shippingTotal = shipping.reduce((a, s) => a + s.amount, 0);
  const tip = spec.tip ?? 0;
  const total = subtotal - lineDiscounts + shippingTotal - shipDiscounts - unallocated + (spec.taxesIncluded ? 0 : spec.tax) + tip;
  const paid = spec.financialStatus ?? "paid";
  const input: OrderInput = {
    source: "test",
    connectionId: "src-test",
    sourceOrderId: spec.id,
    orderNumber: spec.number ?? spec.id,
    channel: spec.channel ?? "web",
    customer: spec.customer,
    currency: spec.currency,
    taxesIncluded: spec.taxesIncluded,
    lines,
    shipping,
    discounts: (spec.orderDiscounts ?? []).map((d) => ({ amount: d.amount, code: d.code, kind: "code" as const })),
    totals: { subtotal, discounts: lineDiscounts + shipDiscounts + unallocated, shipping: shippingTotal, tax: spec.tax, tip, total },
    payments: paid === "paid" ? [{ id: `${spec.id}-P1`, method: "card", amount: total }] : [],
    status: spec.status ?? (paid === "paid" ? "paid" : "pending"),
    financialStatus: paid,
    fulfillmentStatus: "unfulfilled",
    createdAt: "2026-05-01T10:00:00-04:00",
    updatedAt: "2026-05-01T10:05:00-04:00",
    sourceVersion: 1,
  };
  const order = Order.parse(input);
  const check = checkOrderTotals(order);
  if (!check.ok) throw new Error(`test order ${spec.id} does not add up: ${check.reason}`);
  return order;
}

/** A refund of whole lines (amount = the line's gross; tax = its tax), total as the customer gets it back. */
export function refundOf(order: Order, id: string, lineIds: string[] = [order.lines[0]!.id]): Refund {
  const lines = lineIds.map((lineId) => {
    const l = order.lines.find((x) => x.id === lineId)!;
    const tax = l.taxes.reduce((a, t) => a + t.amount, 0);
    return { lineId, sku: l.sku, name: l.name, quantity: l.quantity, amount: l.grossAmount, tax, restock: true };
  });
  const tax = lines.reduce((a, l) => a + l.tax, 0);
  const total = lines.reduce((a, l) => a + l.amount, 0) + (order.taxesIncluded ? 0 : tax);
  return { id, createdAt: "2026-05-03T09:00:00Z", reason: "customer return", lines, shipping: 0, adjustments: 0, total, tax, payments: [{ id: `${id}-P`, method: "card", amount: total, kind: "refund", status: "success" }] };
}

// ---------------------------------------------------------------- hand-written corpus

/** Weighed spice at a till: 0.375 kg × 12.99 (exact product 4.87125) plus a packet, US sales tax on top. */
export const weighedSpice = (): Order =>
  buildOrder({
    id: "spice-0375",
    currency: "USD",
    taxesIncluded: false,
    channel: "store",
    lines: [
      { name: "Turmeric, loose", sku: "SPICE-TUR", quantity: "0.375", unit: "kg", unitPrice: 1299, tax: { amount: 43, rate: "0.08875", jurisdiction: "NY" } },
      { name: "Basmati rice 1 kg", sku: "RICE-BAS-1", quantity: "2", unitPrice: 350, tax: { amount: 62, rate: "0.08875", jurisdiction: "NY" } },
    ],
    tax: 105,
  });

/** Yen has no minor unit; Japanese prices include 10% consumption tax. */
export const yenInclusive = (): Order =>
  buildOrder({
    id: "jpy-inc",
    currency: "JPY",
    taxesIncluded: true,
    lines: [
      { name: "抹茶 (matcha) 100g", sku: "MATCHA-100", quantity: "3", unitPrice: 1280, tax: { amount: 349, rate: "0.10" } },
      { name: "Sencha", sku: "SENCHA-50", quantity: "1", unitPrice: 640, tax: { amount: 58, rate: "0.10" } },
    ],
    shipping: [{ title: "宅急便", amount: 500, tax: 45 }],
    tax: 452,
  });

/** Kuwaiti dinar: three decimals (fils). */
export const kwdThreeDecimals = (): Order =>
  buildOrder({
    id: "kwd-fils",
    currency: "KWD",
    taxesIncluded: false,
    lines: [{ name: "تمر سكري (Sukkari dates) 1kg", sku: "DATES-SUK", quantity: "2", unitPrice: 1250, taxable: false }],
    shipping: [{ title: "Delivery", amount: 750 }],
    tax: 0,
  });

/** UK VAT inside the prices: 20% included in lines and shipping. */
export const vatInclusive = (): Order =>
  buildOrder({
    id: "gbp-vat",
    currency: "GBP",
    taxesIncluded: true,
    lines: [{ name: "Ghee 500g", sku: "GHEE-500", quantity: "2", unitPrice: 1200, tax: { amount: 400, rate: "0.20", jurisdiction: "GB" } }],
    shipping: [{ title: "Royal Mail", amount: 499, tax: 83 }],
    tax: 483,
  });

/** A line discount, a free-shipping code and an order-level loyalty discount, stacked; tax on top. */
export const stackedDiscounts = (): Order =>
  buildOrder({
    id: "stacked-disc",
    currency: "USD",
    taxesIncluded: false,
    customer: { email: "amina@example.com", name: "Amina Yusuf" },
    lines: [{ name: "Berbere spice blend", sku: "BERBERE-200", quantity: "3", unitPrice: 1999, discounts: [{ amount: 600, code: "SPRING10" }], tax: { amount: 412, rate: "0.0825", jurisdiction: "TX" } }],
    shipping: [{ title: "Ground", amount: 750, discounts: [{ amount: 750, code: "FREESHIP" }] }],
    orderDiscounts: [{ amount: 500, code: "LOYAL5" }],
    tax: 412,
  });

/** A gift card sold beside groceries (no tax on the card), with a tip. */
export const giftCardAndTip = (): Order =>
  buildOrder({
    id: "giftcard-tip",
    currency: "USD",
    taxesIncluded: false,
    channel: "store",
    lines: [
      { name: "Gift card", quantity: "1", unitPrice: 5000, giftCard: true },
      { name: "Injera (pack of 5)", sku: "INJERA-5", quantity: "2", unitPrice: 699, tax: { amount: 110, rate: "0.0785" } },
    ],
    tip: 300,
    tax: 110,
  });

/** A web order not yet paid: an invoice. */
export const unpaidWebOrder = (): Order =>
  buildOrder({
    id: "unpaid-web",
    currency: "USD",
    taxesIncluded: false,
    financialStatus: "pending",
    customer: { email: "chen.wei@example.com", name: "Chen Wei" },
    lines: [{ name: "Sichuan peppercorns", sku: "SICHUAN-100", quantity: "4", unitPrice: 425, tax: { amount: 136, rate: "0.08" } }],
    shipping: [{ title: "Standard", amount: 599 }],
    tax: 136,
  });

/**
 * A scale that truncates: 0.333 kg × 1.50 is 0.4995 exactly; the source says 0.49, QuickBooks-style half-up
 * rounding says 0.50 — a destination that rounds per line must settle the cent.
 */
export const truncatingScale = (): Order =>
  buildOrder({
    id: "scale-trunc",
    currency: "USD",
    taxesIncluded: false,
    channel: "store",
    lines: [
      { name: "Fenugreek seeds, loose", sku: "FENU-LOOSE", quantity: "0.333", unit: "kg", unitPrice: 150, grossAmount: 49 },
      { name: "Cardamom pods", sku: "CARD-50", quantity: "1", unitPrice: 899 },
    ],
    tax: 0,
  });

/** The hand-written corpus every destination maps with totals equal to the cent. */
export function handWrittenOrders(): Order[] {
  return [weighedSpice(), yenInclusive(), kwdThreeDecimals(), vatInclusive(), stackedDiscounts(), giftCardAndTip(), unpaidWebOrder(), truncatingScale()];
}

/** Product names in several scripts, some long enough to hit item-name limits. */
export const MULTILINGUAL_NAMES = [
  "हल्दी पाउडर (Turmeric powder)",
  "ብርብሬ ቅመም (Berbere)",
  "花椒 Sichuan peppercorn",
  "زعتر بلدي (Za'atar)",
  "𠮷野家 牛丼のたれ",
  "Paneer 200g",
];

/** Gives an order a fresh identity (tests reuse shapes across runs against one simulator). */
export function withIdentity(order: Order, id: string, orderNumber = id): Order {
  return {
    ...order,
    sourceOrderId: id,
    orderNumber,
    lines: order.lines.map((l, i) => ({ ...l, id: `${id}-L${i + 1}` })),
  };
}

// ---------------------------------------------------------------- fast-check arbitraries

const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "KWD", "INR"] as const;

const quantityArb = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map(String),
  fc.integer({ min: 1, max: 5000 }).map((n) => (n / 1000).toString()),
);

const lineArb = fc.record({
  name: fc.constantFrom(...MULTILINGUAL_NAMES),
  skuNo: fc.integer({ min: 1, max: 40 }),
  quantity: quantityArb,
  unitPrice: fc.integer({ min: 1, max: 50_000 }),
  /** -1, 0 or +1: the source rounds its line amount another way. */
  drift: fc.constantFrom(0, 0, 0, -1, 1),
  discountPct: fc.constantFrom(0, 0, 5, 10),
  taxPct: fc.constantFrom(0, 5, 8, 20),
  giftCard: fc.constantFrom(false, false, false, false, true),
});

/** Orders as normalizers produce them: any currency, inclusive or exclusive tax, fractional quantities, discounts. */
export const orderArb: fc.Arbitrary<Order> = fc
  .record({
    currency: fc.constantFrom(...CURRENCIES),
    taxesIncluded: fc.boolean(),
    store: fc.boolean(),
    paid: fc.constantFrom(true, true, true, false),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
    shipping: fc.constantFrom(0, 0, 499, 1250),
    orderDiscountPct: fc.constantFrom(0, 0, 5),
  })
  .map((r) => {
    const lines: LineSpec[] = r.lines.map((l) => {
      const exact = extend(l.quantity, l.unitPrice);
      const gross = Math.max(0, exact + l.drift);
      const discount = Math.floor((gross * l.discountPct) / 100);
      const taxBase = gross - discount;
      const tax = l.giftCard ? 0 : r.taxesIncluded ? Math.floor((taxBase * l.taxPct) / (100 + l.taxPct)) : Math.floor((taxBase * l.taxPct) / 100);
      return {
        name: l.giftCard ? "Gift card" : l.name,
        sku: l.giftCard ? undefined : `SKU-${l.skuNo}`,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        grossAmount: gross,
        discounts: discount > 0 ? [{ amount: discount, code: `PCT${l.discountPct}` }] : [],
        tax: tax > 0 ? { amount: tax, rate: String(l.taxPct / 100) } : undefined,
        giftCard: l.giftCard,
      };
    });
    const net = lines.reduce((a, l) => a + (l.grossAmount ?? 0) - (l.discounts ?? []).reduce((b, d) => b + d.amount, 0), 0);
    const orderDiscount = Math.floor((net * r.orderDiscountPct) / 100);
    return buildOrder({
      id: "arb",
      currency: r.currency,
      taxesIncluded: r.taxesIncluded,
      channel: r.store ? "store" : "web",
      customer: r.store ? undefined : { email: "arb.buyer@example.com", name: "Arb Buyer" },
      lines,
      shipping: r.shipping > 0 ? [{ title: "Shipping", amount: r.shipping }] : [],
      orderDiscounts: orderDiscount > 0 ? [{ amount: orderDiscount, code: "ORDER5" }] : [],
      tax: lines.reduce((a, l) => a + (l.tax?.amount ?? 0), 0),
      financialStatus: r.paid ? "paid" : "pending",
    });
  });
