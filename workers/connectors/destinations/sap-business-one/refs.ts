// References B1 documents carry (NumAtCard, an ownership marker in Comments) and B1 text limits on grapheme boundaries.
import type { Order, Refund } from "../../../../shared/model/order";
import { truncateText } from "../../../../shared/posting/text";

/** NumAtCard ("Customer/Vendor Ref. No.") holds 100 characters [UNVERIFIED length, destinations.md §2]. */
export const NUM_AT_CARD_MAX = 100;
export const COMMENTS_MAX = 254;
export const ITEM_DESCRIPTION_MAX = 100;
export const ITEM_CODE_MAX = 50;
export const CARD_NAME_MAX = 100;

export function fit(text: string, max: number): string {
  return truncateText(text.replace(/[\t\r\n]+/g, " ").trim(), max);
}

/** The source order number, the connection's prefix in front. */
export function orderNumAtCard(order: Order, prefix = ""): string {
  return fit(`${prefix}${order.orderNumber}`, NUM_AT_CARD_MAX);
}

export function refundNumAtCard(order: Order, refund: Refund, prefix = ""): string {
  return fit(`${prefix}${order.orderNumber} R${refund.id}`, NUM_AT_CARD_MAX);
}

/** B1 has no idempotency key and NumAtCard is not unique: Comments carry whose document it is. */
export function marker(connectionId: string, sourceOrderId: string, refundId?: string): string {
  const base = `om:${encodeURIComponent(connectionId)}:${encodeURIComponent(sourceOrderId)}`;
  return refundId === undefined ? base : `${base}:r:${encodeURIComponent(refundId)}`;
}

export function markerOf(comments: string | null | undefined): string | null {
  const m = /\bom:\S+/.exec(comments ?? "");
  return m ? m[0] : null;
}

/** An OData string literal: single quotes, an apostrophe doubled. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
