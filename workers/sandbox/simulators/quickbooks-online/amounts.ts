// QBO's arithmetic as the simulator applies it: exact decimals, per-currency places, line amounts and TotalAmt.
import { plainNumber } from "./xsd";

/** A decimal as a scaled integer: value = int / 10^scale. */
export interface Dec {
  int: bigint;
  scale: number;
}

/** Decimal places QBO keeps for a currency (ISO 4217 exponents; everything else 2). */
const PLACES: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, UGX: 0, XAF: 0, XOF: 0, BHD: 3, JOD: 3, KWD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };

export function placesOf(currency: string): number {
  return PLACES[currency.toUpperCase()] ?? 2;
}

export function dec(v: unknown): Dec {
  const text = typeof v === "number" ? plainNumber(v) : String(v ?? "0").trim();
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && !m[3])) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return { int: BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n), scale: frac.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.int * 10n ** BigInt(s - a.scale), b.int * 10n ** BigInt(s - b.scale), s];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { int: x + y, scale: s };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { int: x - y, scale: s };
}

export function mul(a: Dec, b: Dec): Dec {
  return { int: a.int * b.int, scale: a.scale + b.scale };
}

export function eq(a: Dec, b: Dec): boolean {
  const [x, y] = align(a, b);
  return x === y;
}

/** Rounds half away from zero to `places` decimals. */
export function round(a: Dec, places: number): Dec {
  if (a.scale <= places) return { int: a.int * 10n ** BigInt(places - a.scale), scale: places };
  const div = 10n ** BigInt(a.scale - places);
  const neg = a.int < 0n;
  const abs = neg ? -a.int : a.int;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  return { int: neg ? -q : q, scale: places };
}

/** Fixed-point text with exactly `places` decimals ("12.30"). */
export function text(a: Dec, places: number): string {
  const r = round(a, places);
  const neg = r.int < 0n;
  const digits = (neg ? -r.int : r.int).toString().padStart(places + 1, "0");
  const body = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return (neg && r.int !== 0n ? "-" : "") + body;
}

export function toJson(a: Dec, places: number): number {
  return Number(text(a, places));
}

type Line = Record<string, unknown> & { Amount?: unknown; DetailType?: string };

/**
 * QBO's document total: Σ item line Amounts − discount lines (an amount, or a percent of the item subtotal) + the
 * transaction tax when amounts exclude tax (TaxInclusive lines already hold their tax). Shared by SalesReceipt,
 * Invoice, RefundReceipt and CreditMemo.
 */
export function documentTotal(doc: Record<string, unknown>, places: number): { subtotal: Dec; discount: Dec; tax: Dec; total: Dec } {
  const lines = (doc.Line as Line[] | undefined) ?? [];
  let subtotal: Dec = { int: 0n, scale: 0 };
  let discount: Dec = { int: 0n, scale: 0 };
  for (const l of lines) {
    if (l.DetailType === "SalesItemLineDetail" || l.DetailType === "GroupLineDetail" || l.DetailType === "DescriptionOnly") {
      if (l.Amount !== undefined) subtotal = add(subtotal, dec(l.Amount));
    }
  }
  for (const l of lines) {
    if (l.DetailType !== "DiscountLineDetail") continue;
    const d = (l.DiscountLineDetail ?? {}) as Record<string, unknown>;
    if (d.PercentBased === true && d.DiscountPercent !== undefined) {
      discount = add(discount, round(mul(subtotal, { int: dec(d.DiscountPercent).int, scale: dec(d.DiscountPercent).scale + 2 }), places));
    } else if (l.Amount !== undefined) {
      discount = add(discount, dec(l.Amount));
    }
  }
  const taxDetail = (doc.TxnTaxDetail ?? {}) as Record<string, unknown>;
  const tax = taxDetail.TotalTax === undefined ? { int: 0n, scale: 0 } : dec(taxDetail.TotalTax);
  const inclusive = doc.GlobalTaxCalculation === "TaxInclusive";
  const total = round(add(sub(subtotal, discount), inclusive ? { int: 0n, scale: 0 } : tax), places);
  return { subtotal, discount, tax, total };
}
