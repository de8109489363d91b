// Queue message shapes (zod): what the sync and notify queues carry. Ids and index rows, never payloads to replay.
import { z } from "zod";

/** The order's summary row in D1's order index (admin lists, reconciliation): not a payload to replay. */
export const OrderIndexRow = z.object({
  orderKey: z.string().min(3),
  connectionId: z.string().min(1),
  source: z.string().min(1),
  sourceOrderId: z.string().min(1),
  orderNumber: z.string(),
  status: z.string().min(1),
  total: z.number().int(),
  currency: z.string().min(3),
  sourceVersion: z.number().int(),
  revision: z.number().int().nonnegative(),
  refunds: z.number().int().nonnegative(),
  sourceUpdatedAt: z.string(),
});
export type OrderIndexRow = z.infer<typeof OrderIndexRow>;

export const NotifyMessage = z.object({
  orderKey: z.string(),
  orderNumber: z.string(),
  from: z.string(),
  to: z.string(),
  customerEmail: z.string().optional(),
  at: z.string(),
});
export type NotifyMessage = z.infer<typeof NotifyMessage>;

export const SyncMessage = z.discriminatedUnion("type", [
  /** Bring destination `destinationId` up to date with order `orderKey` (level-triggered). */
  z.object({ type: z.literal("sync"), orderKey: z.string().min(3), destinationId: z.string().min(1), revision: z.number().int().nonnegative() }),
  /** A thin notification (Square, Clover): fetch the full order from the source, then ingest it. */
  z.object({ type: z.literal("fetch"), connectionId: z.string().min(1), sourceOrderId: z.string().min(1), eventId: z.string() }),
  /** Write the order's index row (the consumer writes a whole batch's rows in one D1 batch). */
  z.object({ type: z.literal("index"), row: OrderIndexRow }),
  /**
   * A status change to notify about: it rides the sync queue with the order's syncs (one send from the OrderActor per
   * event instead of two) and the consumer forwards a batch's notifications to the notify queue in one send.
   */
  z.object({ type: z.literal("notify"), message: NotifyMessage }),
]);
export type SyncMessage = z.infer<typeof SyncMessage>;

export function orderKeyOf(connectionId: string, sourceOrderId: string): string {
  return `${connectionId}:${sourceOrderId}`;
}
