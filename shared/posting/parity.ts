// Tax and rounding parity (DESIGN principle 6): make the total a destination will show equal the source total.
import type { Minor } from "../model/money";

export interface ParityResult<P> {
  payload: P;
  /** Signed adjustment added (minor units); 0 when the vendor's own arithmetic already matches. */
  adjustment: Minor;
  vendorTotal: Minor;
  note?: string;
}

/**
 * `vendorTotal(payload)` is the destination's own arithmetic (per-line rounding, inclusive/exclusive tax), written
 * independently of the mapping. When it differs from the source total, `withAdjustment(payload, diff)` must add an
 * explicit rounding line (or lock the tax); the result is checked again and anything still off is an error.
 */
export function ensureParity<P>(
  payload: P,
  sourceTotal: Minor,
  vendorTotal: (p: P) => Minor,
  withAdjustment: (p: P, diff: Minor) => P,
  describe = "rounding adjustment",
): ParityResult<P> {
  const first = vendorTotal(payload);
  if (first === sourceTotal) return { payload, adjustment: 0, vendorTotal: first };
  const diff = sourceTotal - first;
  const adjusted = withAdjustment(payload, diff);
  const second = vendorTotal(adjusted);
  if (second !== sourceTotal) {
    throw new ParityError(`destination would total ${second} minor units, source total is ${sourceTotal}; refusing to post`);
  }
  return { payload: adjusted, adjustment: diff, vendorTotal: second, note: `${describe} of ${diff} minor units added so the document totals the source's ${sourceTotal}` };
}

export class ParityError extends Error {
  override name = "ParityError";
}

/** Round half away from zero of a rational a/b (integers), for vendors that round per line. */
export function roundDiv(a: bigint, b: bigint): bigint {
  const neg = (a < 0n) !== (b < 0n);
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const q = (x * 2n + y) / (2n * y);
  return neg ? -q : q;
}
