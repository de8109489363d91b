// Exact money: integer minor units with an ISO 4217 currency; parsing, formatting and largest-remainder allocation.
import { z } from "zod";

/** ISO 4217 minor-unit exponents that differ from 2 (https://www.six-group.com/en/products-services/financial-information/data-standards.html). */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
  XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "ISO 4217 currency code");
export type CurrencyCode = z.infer<typeof CurrencyCode>;

/** An amount in minor units (cents, fils, yen); always a safe integer. */
export const Minor = z.number().int().refine(Number.isSafeInteger, "amount outside the safe integer range");
export type Minor = z.infer<typeof Minor>;

export function exponentOf(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

export class MoneyError extends Error {
  override name = "MoneyError";
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount as the vendor sent it ("598.94", "12", 12.5) into minor units of `currency`.
 * Strings are read digit by digit. Numbers (vendors that send JSON doubles) are read through their shortest
 * round-trip representation, so 0.1 + 0.2 style noise is rejected rather than rounded away silently:
 * a value with more significant decimals than the currency has is an error, never a guess.
 */
export function toMinor(amount: string | number, currency: string): Minor {
  const exp = exponentOf(currency);
  let text: string;
  if (typeof amount === "number") {
    if (!Number.isFinite(amount)) throw new MoneyError(`amount ${amount} is not finite`);
    text = numberToPlainString(amount);
  } else {
    text = amount.trim();
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`"${String(amount)}" is not a decimal amount`);
  const [, sign, int, frac = ""] = m;
  const significant = frac.replace(/0+$/, "");
  if (significant.length > exp) {
    throw new MoneyError(`"${String(amount)}" has more decimals than ${currency} allows (${exp})`);
  }
  const digits = (int ?? "0") + frac.padEnd(exp, "0").slice(0, exp);
  const value = Number(BigInt(digits)) * (sign === "-" ? -1 : 1);
  if (!Number.isSafeInteger(value)) throw new MoneyError(`"${String(amount)}" is too large`);
  return value === 0 ? 0 : value;
}

/**
 * Like toMinor, for vendors that send binary floats (Toast, Revel, Magento): a double within half a
 * hundred-thousandth of a minor unit of an exact minor amount is taken as that amount (12.300000000000001 → 1230);
 * anything further away is a real sub-minor amount and is rejected.
 */
export function floatToMinor(amount: number, currency: string): Minor {
  if (!Number.isFinite(amount)) throw new MoneyError(`amount ${amount} is not finite`);
  const scale = 10 ** exponentOf(currency);
  const scaled = amount * scale;
  const rounded = Math.round(scaled);
  // Representation error of a double is a few ulps; a genuine fraction of a minor unit is far larger.
  const tolerance = Math.max(1e-6, Math.abs(scaled) * 8 * Number.EPSILON);
  if (Math.abs(scaled - rounded) > tolerance) {
    throw new MoneyError(`${amount} is not a whole number of ${currency} minor units`);
  }
  if (!Number.isSafeInteger(rounded)) throw new MoneyError(`${amount} is too large`);
  return rounded === 0 ? 0 : rounded;
}

/** Formats minor units as a plain decimal string with the currency's exponent ("598.94", "1200", "1.250"). */
export function formatMinor(minor: Minor, currency: string): string {
  const exp = exponentOf(currency);
  const negative = minor < 0;
  const digits = Math.abs(minor).toString().padStart(exp + 1, "0");
  const int = exp === 0 ? digits : digits.slice(0, -exp);
  const frac = exp === 0 ? "" : "." + digits.slice(-exp);
  return (negative ? "-" : "") + int + frac;
}

/** Minor units as a JSON number in major units (what QuickBooks and most ERPs expect): exact for safe amounts. */
export function minorToNumber(minor: Minor, currency: string): number {
  return Number(formatMinor(minor, currency));
}

/**
 * Splits `total` across `weights` by largest remainder: each share is floor(total × w / Σw), then the units left
 * over go to the largest fractional remainders (ties to the earlier index). Shares always sum to `total`.
 */
export function allocate(total: Minor, weights: readonly number[]): Minor[] {
  if (weights.length === 0) {
    if (total !== 0) throw new MoneyError("cannot allocate a non-zero amount over no weights");
    return [];
  }
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) throw new MoneyError("weights must be non-negative integers");
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    // Nothing to weigh by: spread evenly.
    return allocate(total, weights.map(() => 1));
  }
  const negative = total < 0;
  const abs = BigInt(Math.abs(total));
  const bigSum = BigInt(sum);
  const shares = weights.map((w) => (abs * BigInt(w)) / bigSum);
  const remainders = weights.map((w, i) => ({ i, r: (abs * BigInt(w)) % bigSum }));
  let left = Number(abs - shares.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0; k = (k + 1) % remainders.length, left--) {
    const idx = remainders[k]!.i;
    shares[idx] = shares[idx]! + 1n;
  }
  return shares.map((s) => (negative ? -Number(s) : Number(s)) || 0);
}

export function sum(values: readonly Minor[]): Minor {
  let total = 0;
  for (const v of values) total += v;
  if (!Number.isSafeInteger(total)) throw new MoneyError("sum outside the safe integer range");
  return total;
}

/** Shortest round-trip decimal of a double, without exponent notation. */
function numberToPlainString(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mant, expPart] = s.toLowerCase().split("e") as [string, string];
  const e = Number(expPart);
  const neg = mant.startsWith("-");
  const [i, f = ""] = mant.replace("-", "").split(".") as [string, string?];
  const digits = i + f;
  const point = i.length + e;
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  return (neg ? "-" : "") + out;
}
