// Exact decimal quantities (0.375 kg stays 0.375) and exact quantity × price arithmetic in minor units.
import { z } from "zod";
import { MoneyError, type Minor } from "./money";

/** A quantity as a canonical decimal string: no exponent, no trailing zeros, at most 9 decimals ("2", "0.375"). */
export const Quantity = z
  .string()
  .regex(/^-?\d+(\.\d{1,9})?$/, "decimal quantity with at most 9 decimals")
  .refine((q) => q === normalizeQuantity(q), "quantity must be in canonical form");
export type Quantity = z.infer<typeof Quantity>;

const DEC = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Scaled integer form: value = int / 10^scale. */
interface Scaled {
  int: bigint;
  scale: number;
}

function parse(q: string | number): Scaled {
  const text = typeof q === "number" ? plain(q) : q.trim();
  const m = DEC.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new MoneyError(`"${String(q)}" is not a decimal quantity`);
  const [, sign, int = "", frac = ""] = m;
  const trimmed = frac.replace(/0+$/, "");
  const value = BigInt((int || "0") + trimmed) * (sign === "-" ? -1n : 1n);
  return { int: value, scale: trimmed.length };
}

/** A JSON double as a decimal: 15 significant digits drop binary noise (0.1 + 0.2 → "0.3") but keep 0.375. */
function plain(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`quantity ${n} is not finite`);
  const rounded = Number(n.toPrecision(15));
  const s = String(rounded);
  if (!/e/i.test(s)) return s;
  return rounded.toFixed(12).replace(/0+$/, "").replace(/\.$/, "");
}

/** Canonical string for any decimal input ("2.500" → "2.5", 3 → "3"). */
export function normalizeQuantity(q: string | number): string {
  const { int, scale } = parse(q);
  if (scale > 9) throw new MoneyError(`quantity "${String(q)}" has more than 9 decimals`);
  const neg = int < 0n;
  const digits = (neg ? -int : int).toString().padStart(scale + 1, "0");
  const out = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return (neg && int !== 0n ? "-" : "") + out;
}

/**
 * quantity × unitPrice (minor units), rounded half away from zero to whole minor units. The exact product is
 * computed with integers, so 0.375 × 1299 = 487.125 → 487 with no float error.
 */
export function extend(quantity: Quantity | string, unitPriceMinor: Minor): Minor {
  const { int, scale } = parse(quantity);
  const product = int * BigInt(unitPriceMinor);
  const div = 10n ** BigInt(scale);
  const neg = product < 0n;
  const abs = neg ? -product : product;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  const n = Number(neg ? -q : q);
  return n === 0 ? 0 : n;
}

/** Exact comparison of two decimal quantities: -1, 0 or 1. */
export function compareQuantity(a: Quantity | string, b: Quantity | string): number {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const xi = x.int * 10n ** BigInt(scale - x.scale);
  const yi = y.int * 10n ** BigInt(scale - y.scale);
  return xi === yi ? 0 : xi < yi ? -1 : 1;
}

export function isZeroQuantity(q: Quantity | string): boolean {
  return parse(q).int === 0n;
}
