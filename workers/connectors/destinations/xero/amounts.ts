// Xero's arithmetic, written from its rounding guide: two-decimal money, per-line amounts and tax, document totals.
import { exponentOf, type Minor } from "../../../../shared/model/money";
import { ConnectorError } from "../../../../shared/connector/errors";

/**
 * "All monetary calculations in Xero are to two decimals places" and "Xero calculates tax on a per line basis,
 * rounding to two decimal places, and then sums the tax totals of each line"
 * (https://developer.xero.com/documentation/guides/how-to-guides/rounding-in-xero). Amounts here are integer
 * hundredths of the currency's major unit ("cents" for every currency, JPY and KWD included).
 */
export const XERO_DECIMALS = 2;
/** UnitAmount precision with `unitdp=4` (same guide: "you can opt-in to 4 decimal places"). */
export const UNIT_DECIMALS = 4;
/** Quantity decimals Xero keeps [UNVERIFIED: Xero's UI and API round quantities to 4 places]. */
export const QUANTITY_DECIMALS = 4;

export interface Dec {
  int: bigint;
  scale: number;
}

export function parseDec(v: number | string): Dec {
  const text = typeof v === "number" ? plain(v) : v.trim();
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && !m[3])) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return { int: BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n), scale: frac.length };
}

function plain(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

/** Round half to even to `places` (Xero rounds like .NET's default [UNVERIFIED: help.file.ai/xero-rounding-issues]). */
export function roundHalfEven(a: Dec, places: number): bigint {
  if (a.scale <= places) return a.int * 10n ** BigInt(places - a.scale);
  const div = 10n ** BigInt(a.scale - places);
  const neg = a.int < 0n;
  const abs = neg ? -a.int : a.int;
  let q = abs / div;
  const r = (abs % div) * 2n;
  if (r > div || (r === div && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** Round half away from zero (how OrderMesh pre-rounds amounts Xero cannot hold, so the vendor never has to). */
export function roundHalfAway(int: bigint, div: bigint): bigint {
  const neg = int < 0n;
  const abs = neg ? -int : int;
  const q = (abs * 2n + div) / (2n * div);
  return neg ? -q : q;
}

/** Minor units → Xero hundredths; `exact` is false when the currency has finer units than Xero keeps (KWD, BHD). */
export function toCents(minor: Minor, currency: string): { cents: bigint; exact: boolean } {
  const exp = exponentOf(currency);
  const m = BigInt(minor);
  if (exp <= XERO_DECIMALS) return { cents: m * 10n ** BigInt(XERO_DECIMALS - exp), exact: true };
  const div = 10n ** BigInt(exp - XERO_DECIMALS);
  return { cents: roundHalfAway(m, div), exact: m % div === 0n };
}

/** Xero hundredths → minor units of the currency; a JPY amount with cents cannot be a source amount. */
export function centsToMinor(cents: bigint, currency: string): Minor {
  const exp = exponentOf(currency);
  if (exp >= XERO_DECIMALS) return Number(cents * 10n ** BigInt(exp - XERO_DECIMALS));
  const div = 10n ** BigInt(XERO_DECIMALS - exp);
  if (cents % div !== 0n) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "currency_precision", message: `Xero amount ${cents} hundredths is not a whole number of ${currency} minor units` });
  }
  return Number(cents / div);
}

/** Hundredths as the JSON number Xero expects (exact for safe amounts). */
export function centsToNumber(cents: bigint): number {
  return decToNumber({ int: cents, scale: XERO_DECIMALS });
}

export function decToNumber(d: Dec): number {
  const neg = d.int < 0n;
  const digits = (neg ? -d.int : d.int).toString().padStart(d.scale + 1, "0");
  const text = d.scale === 0 ? digits : `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
  return Number((neg ? "-" : "") + text);
}

interface TotalLine {
  Quantity?: number;
  UnitAmount?: number;
  DiscountAmount?: number;
  DiscountRate?: number;
  TaxAmount?: number;
  TaxType?: string;
}

/**
 * The total Xero will show for a document, in hundredths: LineAmount = Quantity × UnitAmount − DiscountAmount (or
 * × (100 − DiscountRate)/100), rounded to two places per line (LineItem.LineAmount in the spec); TaxAmount as sent
 * (locked) or, for NONE-type lines, zero; Total = Σ LineAmount + Σ TaxAmount for Exclusive, Σ LineAmount for
 * Inclusive ("Total of Invoice tax inclusive (i.e. SubTotal + TotalTax)").
 */
export function xeroTotal(doc: { LineAmountTypes: string; LineItems: readonly TotalLine[] }, noTaxTypes: readonly string[]): bigint {
  let lines = 0n;
  let tax = 0n;
  for (const l of doc.LineItems) {
    const q = parseDec(l.Quantity ?? 1);
    const u = parseDec(l.UnitAmount ?? 0);
    const product: Dec = { int: q.int * u.int, scale: q.scale + u.scale };
    let amount: bigint;
    if (l.DiscountRate !== undefined) {
      const r = parseDec(l.DiscountRate);
      const keep: Dec = { int: 100n * 10n ** BigInt(r.scale) - r.int, scale: r.scale + 2 };
      amount = roundHalfEven({ int: product.int * keep.int, scale: product.scale + keep.scale }, XERO_DECIMALS);
    } else {
      amount = roundHalfEven(product, XERO_DECIMALS) - (l.DiscountAmount === undefined ? 0n : roundHalfEven(parseDec(l.DiscountAmount), XERO_DECIMALS));
    }
    lines += amount;
    if (l.TaxAmount !== undefined) tax += roundHalfEven(parseDec(l.TaxAmount), XERO_DECIMALS);
    else if (!noTaxTypes.includes(l.TaxType ?? "")) throw new Error("a taxed line without a locked TaxAmount depends on the organisation's rate");
  }
  return doc.LineAmountTypes === "Exclusive" ? lines + tax : lines;
}
