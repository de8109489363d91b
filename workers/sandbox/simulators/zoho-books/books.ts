// The simulated Zoho Books organization: taxes, contacts, currency decimals, and Zoho's document arithmetic.
import { exponentOf } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";

export type Rec = Record<string, unknown>;

/** A Zoho error: `{code, message}` with its HTTP status (https://www.zoho.com/books/api/v3/errors/). */
export class ZohoError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

/** "Invalid value passed for …" is Zoho's validation message; code 4 [UNVERIFIED: seen in Zoho API answers, not in the errors page]. */
export const invalid = (field: string): ZohoError => new ZohoError(400, 4, `Invalid value passed for ${field}`);

export interface Org {
  organization_id: string;
  name: string;
  currency_code: string;
  /** Enabled currencies with their decimal places (Settings → Currencies → Decimal Places: 0, 2 or 3). */
  currencies: Array<{ currency_id: string; currency_code: string; price_precision: number }>;
  taxes: Array<{ tax_id: string; tax_name: string; tax_percentage: string }>;
  limits?: { perMinute?: number; concurrency?: number };
}

export const DEMO_ORG = "10234695";
export const WALK_IN = "460000000000100";

/** The demo organization carries the taxes of the sandbox's generated orders (NY 8.5%, HST 13%, MwSt 7%, VAT 20%, 8%, 10%). */
export function defaultOrg(id: string): Org {
  return {
    organization_id: id,
    name: id === DEMO_ORG ? "Zylker Groceries (demo)" : `Organization ${id}`,
    currency_code: "USD",
    currencies: ["USD", "EUR", "GBP", "JPY", "KWD", "BHD", "OMR", "INR", "CAD", "AUD", "CHF", "SGD", "AED", "SAR"].map((code, i) => ({
      currency_id: `46000000000${String(i + 10).padStart(4, "0")}`,
      currency_code: code,
      price_precision: Math.min(3, exponentOf(code)),
    })),
    taxes: [
      { tax_id: "460000000038001", tax_name: "NY Sales Tax", tax_percentage: "8.5" },
      { tax_id: "460000000038002", tax_name: "HST", tax_percentage: "13" },
      { tax_id: "460000000038003", tax_name: "MwSt 7%", tax_percentage: "7" },
      { tax_id: "460000000038004", tax_name: "VAT 20%", tax_percentage: "20" },
      { tax_id: "460000000038005", tax_name: "Consumption Tax 8%", tax_percentage: "8" },
      { tax_id: "460000000038006", tax_name: "Consumption Tax 10%", tax_percentage: "10" },
      // A tax group (GST 5% + PST 7%, British Columbia): Zoho references groups by tax_id like single taxes.
      { tax_id: "460000000038007", tax_name: "GST + PST (BC)", tax_percentage: "12" },
    ],
  };
}

export function org(sim: SimContext, id: string): Org {
  const stored = sim.store.get<Org>("orgs", id);
  if (stored) return stored;
  const fresh = defaultOrg(id);
  sim.store.put("orgs", id, fresh);
  sim.store.put("contacts", `${id}|${WALK_IN}`, { organization_id: id, contact_id: WALK_IN, contact_name: "Walk-in Customer", contact_type: "customer", email: "" });
  return fresh;
}

export function places(o: Org, currency: string): number {
  return o.currencies.find((c) => c.currency_code === currency)?.price_precision ?? Math.min(3, exponentOf(currency));
}

// ------------------------------------------------------------------ decimals

interface Dec {
  int: bigint;
  scale: number;
}

export function dec(v: unknown, field: string): Dec {
  if (typeof v !== "number" && typeof v !== "string") throw invalid(field);
  const s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(12)) : v.trim();
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === "" && !m[3])) throw invalid(field);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return { int: BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n), scale: frac.length };
}

/** Half up (away from zero) — Zoho does not document its mode [UNVERIFIED]. */
function div(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const q = (a * 2n + b) / (2n * b);
  return neg ? -q : q;
}

function at(a: Dec, p: number): bigint {
  return a.scale <= p ? a.int * 10n ** BigInt(p - a.scale) : div(a.int, 10n ** BigInt(a.scale - p));
}

export function num(units: bigint, p: number): number {
  if (p === 0) return Number(units);
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(p + 1, "0");
  return Number(`${neg ? "-" : ""}${digits.slice(0, -p)}.${digits.slice(-p)}`);
}

export function units(v: unknown, p: number): bigint {
  return at(dec(v ?? 0, "amount"), p);
}

export function text(u: bigint, p: number): string {
  return num(u, p).toFixed(p);
}

// ------------------------------------------------------------------ documents

/**
 * Zoho's arithmetic: item_total = rate × quantity − discount rounded to the currency's places; taxes summed per tax
 * over the lines carrying it and rounded once (https://www.zoho.com/ca/books/kb/taxes/tax-override.html); an
 * exclusive document adds them, an inclusive one holds them inside its lines; adjustment and shipping added last.
 */
export function compute(body: Rec, o: Org, currency: string): Rec {
  const p = places(o, currency);
  const raw = body.line_items;
  if (!Array.isArray(raw) || raw.length === 0) throw invalid("line_items");
  const inclusive = body.is_inclusive_tax === true;
  const bases = new Map<string, bigint>();
  let subTotal = 0n;
  const lines = raw.map((l: Rec, i: number) => {
    if (!l || typeof l !== "object") throw invalid(`line_items[${i}]`);
    if (!l.item_id && !(typeof l.name === "string" && l.name.trim())) throw invalid("line_items.name");
    if (typeof l.name === "string" && l.name.length > 100) throw new ZohoError(400, 4, "Item name can have a maximum of 100 characters.");
    if (typeof l.description === "string" && l.description.length > 2000) throw new ZohoError(400, 4, "Item description can have a maximum of 2000 characters.");
    const rate = dec(l.rate ?? 0, "rate");
    const qty = dec(l.quantity ?? 1, "quantity");
    const gross = at({ int: rate.int * qty.int, scale: rate.scale + qty.scale }, p);
    let discount = 0n;
    if (typeof l.discount === "string" && l.discount.trim().endsWith("%")) {
      const pct = dec(l.discount.trim().slice(0, -1), "discount");
      discount = div(gross * pct.int, 100n * 10n ** BigInt(pct.scale));
    } else if (l.discount !== undefined && l.discount !== "") {
      discount = at(dec(l.discount, "discount"), p);
    }
    if (discount < 0n || (gross >= 0n && discount > gross)) throw new ZohoError(400, 4, "Discount cannot be more than the item amount.");
    const itemTotal = gross - discount;
    let tax: Org["taxes"][number] | undefined;
    if (l.tax_id !== undefined && l.tax_id !== "") {
      tax = o.taxes.find((t) => t.tax_id === String(l.tax_id));
      if (!tax) throw invalid("tax_id");
      bases.set(tax.tax_id, (bases.get(tax.tax_id) ?? 0n) + itemTotal);
    }
    subTotal += itemTotal;
    return {
      line_item_id: crypto.randomUUID().replace(/-/g, "").slice(0, 18),
      ...(l.item_id ? { item_id: String(l.item_id) } : {}),
      name: l.name ?? "",
      description: l.description ?? "",
      item_order: i + 1,
      rate: num(at(rate, Math.max(p, rate.scale)), Math.max(p, rate.scale)),
      quantity: Number(l.quantity ?? 1),
      unit: l.unit ?? "",
      discount: num(discount, p),
      tax_id: tax?.tax_id ?? "",
      tax_name: tax?.tax_name ?? "",
      tax_percentage: tax ? Number(tax.tax_percentage) : 0,
      item_total: num(itemTotal, p),
    };
  });
  const taxes: Rec[] = [];
  let taxTotal = 0n;
  for (const [id, base] of bases) {
    const t = o.taxes.find((x) => x.tax_id === id)!;
    const pct = dec(t.tax_percentage, "tax_percentage");
    const hundred = 100n * 10n ** BigInt(pct.scale);
    const amount = inclusive ? div(base * pct.int, hundred + pct.int) : div(base * pct.int, hundred);
    taxTotal += amount;
    taxes.push({ tax_name: t.tax_name, tax_amount: num(amount, p) });
  }
  const adjustment = body.adjustment === undefined || body.adjustment === "" ? 0n : at(dec(body.adjustment, "adjustment"), p);
  const shipping = body.shipping_charge === undefined || body.shipping_charge === "" ? 0n : at(dec(body.shipping_charge, "shipping_charge"), p);
  const total = subTotal + (inclusive ? 0n : taxTotal) + adjustment + shipping;
  return {
    line_items: lines,
    sub_total: num(subTotal, p),
    tax_total: num(taxTotal, p),
    taxes,
    adjustment: num(adjustment, p),
    adjustment_description: body.adjustment_description ?? "",
    shipping_charge: num(shipping, p),
    total: num(total, p),
    price_precision: p,
    is_inclusive_tax: inclusive,
  };
}
