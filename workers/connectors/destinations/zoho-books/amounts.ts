// Zoho Books' arithmetic: amounts to the currency's decimal places, line totals rounded, tax per tax on the summed lines.
import { exponentOf, type Minor } from "../../../../shared/model/money";

export interface Dec {
  int: bigint;
  scale: number;
}

export function dec(v: number | string): Dec {
  const text = typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(12)) : v.trim();
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return { int: BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n), scale: frac.length };
}

/** num/den rounded half away from zero [UNVERIFIED: Zoho does not document its rounding mode]. */
export function ratio(num: bigint, den: bigint): bigint {
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (n * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** A decimal rounded to `places`, as an integer of 10^-places units. */
export function roundTo(a: Dec, places: number): bigint {
  return a.scale <= places ? a.int * 10n ** BigInt(places - a.scale) : ratio(a.int, 10n ** BigInt(a.scale - places));
}

/** Units of 10^-places as a JSON number. */
export function toNumber(units: bigint, places: number): number {
  if (places === 0) return Number(units);
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(places + 1, "0");
  return Number(`${neg ? "-" : ""}${digits.slice(0, -places)}.${digits.slice(-places)}`);
}

/** Minor units of the currency → Zoho units (10^-places); exact unless Zoho keeps fewer places than the currency has. */
export function toUnits(minor: Minor, currency: string, places: number): { units: bigint; exact: boolean } {
  const exp = exponentOf(currency);
  const m = BigInt(minor);
  if (places >= exp) return { units: m * 10n ** BigInt(places - exp), exact: true };
  const div = 10n ** BigInt(exp - places);
  return { units: ratio(m, div), exact: m % div === 0n };
}

export function unitsToMinor(units: bigint, currency: string, places: number): Minor | null {
  const exp = exponentOf(currency);
  if (exp >= places) return Number(units * 10n ** BigInt(exp - places));
  const div = 10n ** BigInt(places - exp);
  return units % div === 0n ? Number(units / div) : null;
}

interface ModelLine {
  rate: number;
  quantity: number;
  discount?: number;
  tax_id?: string;
}

/**
 * The total Zoho shows (in 10^-places units): item_total = rate × quantity − discount, rounded per line; tax computed
 * per tax on the sum of its lines' totals and rounded once ("the tax in Zoho Books will be calculated for the whole
 * amount" — https://www.zoho.com/ca/books/kb/taxes/tax-override.html); exclusive: total = Σ item_total + Σ tax +
 * adjustment; inclusive: the tax is inside the item totals.
 */
export function zohoTotal(doc: { is_inclusive_tax: boolean; line_items: readonly ModelLine[]; adjustment?: number }, rates: Record<string, string>, places: number): { total: bigint; tax: bigint } {
  let lines = 0n;
  const bases = new Map<string, bigint>();
  for (const l of doc.line_items) {
    const r = dec(l.rate);
    const q = dec(l.quantity);
    const gross = roundTo({ int: r.int * q.int, scale: r.scale + q.scale }, places);
    const itemTotal = gross - (l.discount === undefined ? 0n : roundTo(dec(l.discount), places));
    lines += itemTotal;
    if (l.tax_id) bases.set(l.tax_id, (bases.get(l.tax_id) ?? 0n) + itemTotal);
  }
  let tax = 0n;
  for (const [id, base] of bases) {
    const pct = dec(rates[id] ?? "0");
    const hundred = 100n * 10n ** BigInt(pct.scale);
    tax += doc.is_inclusive_tax ? ratio(base * pct.int, hundred + pct.int) : ratio(base * pct.int, hundred);
  }
  const adjustment = doc.adjustment === undefined ? 0n : roundTo(dec(doc.adjustment), places);
  return { total: lines + (doc.is_inclusive_tax ? 0n : tax) + adjustment, tax };
}
