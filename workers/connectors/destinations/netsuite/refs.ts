// Deterministic NetSuite external ids for an order's documents, and NetSuite text limits on grapheme boundaries.
import type { Order, Refund } from "../../../../shared/model/order";
import { truncateText } from "../../../../shared/posting/text";

/**
 * External ids may hold letters, digits, `_` and `-` (NS section_156334828635). Anything else — and `_` itself, so
 * the mapping stays one-to-one — becomes `_` + two hex digits per UTF-8 byte.
 */
export function externalIdPart(text: string): string {
  let out = "";
  for (const ch of text) {
    if (/^[A-Za-z0-9-]$/.test(ch)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += `_${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** `<prefix><source>-<source order id>`: stable across retries and renumbering, unique per source connection. */
export function orderExternalId(order: Order, prefix: string): string {
  return `${externalIdPart(prefix)}${externalIdPart(order.source)}-${externalIdPart(order.sourceOrderId)}`;
}

export function refundExternalId(order: Order, refund: Refund, prefix: string): string {
  return `${orderExternalId(order, prefix)}-R-${externalIdPart(refund.id)}`;
}

/** otherRefNum ("PO #" / "Check #") carries the order number people search by; its limit is taken as 45 [UNVERIFIED]. */
export const OTHER_REF_MAX = 45;
export const MEMO_MAX = 999;
export const DESCRIPTION_MAX = 999;

export function fit(text: string, max: number): string {
  return truncateText(text.replace(/[\t\r\n]+/g, " ").trim(), max);
}
