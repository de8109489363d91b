// Deterministic document numbers and ownership markers, and QBO length limits applied on character boundaries.
import type { Order, Refund } from "../../../../shared/model/order";

/** DocNumber limit for QBO (Finance.xsd: "ValidRange: QBO: max=21"). */
export const DOC_NUMBER_MAX = 21;
/** Item.Name limit for QBO (Finance.xsd Item.Name: "Max. length: 100 characters"). */
export const ITEM_NAME_MAX = 100;

export interface Reference {
  value: string;
  /** True when the number was longer than QBO allows and only its end was kept. */
  truncated: boolean;
}

/** Keeps the end of `tail` so prefix + tail fits in `max` UTF-16 units (QBO counts Java chars), never splitting a surrogate pair. */
function fitEnd(prefix: string, tail: string, max: number): Reference {
  const budget = max - prefix.length;
  if (budget <= 0) throw new Error(`document number prefix "${prefix}" leaves no room within ${max} characters`);
  if (tail.length <= budget) return { value: prefix + tail, truncated: false };
  const points = Array.from(tail);
  let kept = "";
  for (let i = points.length - 1; i >= 0; i--) {
    const next = points[i]! + kept;
    if (next.length > budget) break;
    kept = next;
  }
  return { value: prefix + kept, truncated: true };
}

/** An order's reference before the connection's prefix: its number (the end of it when longer than 21). */
export function orderReference(order: Order): Reference {
  return fitEnd("", order.orderNumber, DOC_NUMBER_MAX);
}

/** A refund's reference before the connection's prefix: "R" + the refund id (its end when longer). */
export function refundReference(refund: Refund): Reference {
  return fitEnd("", `R${refund.id}`, DOC_NUMBER_MAX);
}

/**
 * The DocNumber written: the connection's docNumberPrefix + the reference, keeping the reference's end when the
 * two exceed 21 characters. (The contract's orderRef/refundRef get no connection, so the prefix is applied here.)
 */
export function docNumber(ref: Reference, prefix: string): Reference {
  const fitted = fitEnd(prefix, ref.value, DOC_NUMBER_MAX);
  return { value: fitted.value, truncated: ref.truncated || fitted.truncated };
}

/** The ownership marker written into PrivateNote: which source connection and order (and refund) a document is for. */
export function marker(connectionId: string, sourceOrderId: string, refundId?: string): string {
  const base = `om:${encodeURIComponent(connectionId)}:${encodeURIComponent(sourceOrderId)}`;
  return refundId === undefined ? base : `${base}:r:${encodeURIComponent(refundId)}`;
}

/** The marker a PrivateNote carries, if any (a voided document keeps it after QBO's "Voided" prefix). */
export function markerOf(privateNote: string | undefined): string | null {
  const m = /\bom:\S+/.exec(privateNote ?? "");
  return m ? m[0] : null;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Trims text to `max` UTF-16 units on a grapheme boundary: a Devanagari conjunct, an Amharic syllable with its
 * marks, an emoji or an astral CJK character is kept whole or dropped whole, never cut.
 */
export function trimToLength(text: string, max: number): string {
  const clean = text.replace(/[\t\r\n]+/g, " ").trim();
  if (clean.length <= max) return clean;
  let out = "";
  for (const { segment } of segmenter.segment(clean)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out.trimEnd();
}
