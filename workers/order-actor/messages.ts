// Queue message shapes (zod): what the sync and notify queues carry. Ids only, never payloads to replay.
import { z } from "zod";

export const SyncMessage = z.discriminatedUnion("type", [
  /** Bring destination `destinationId` up to date with order `orderKey` (level-triggered). */
  z.object({ type: z.literal("sync"), orderKey: z.string().min(3), destinationId: z.string().min(1), revision: z.number().int().nonnegative() }),
  /** A thin notification (Square, Clover): fetch the full order from the source, then ingest it. */
  z.object({ type: z.literal("fetch"), connectionId: z.string().min(1), sourceOrderId: z.string().min(1), eventId: z.string() }),
]);
export type SyncMessage = z.infer<typeof SyncMessage>;

export const NotifyMessage = z.object({
  orderKey: z.string(),
  orderNumber: z.string(),
  from: z.string(),
  to: z.string(),
  customerEmail: z.string().optional(),
  at: z.string(),
});
export type NotifyMessage = z.infer<typeof NotifyMessage>;

export function orderKeyOf(connectionId: string, sourceOrderId: string): string {
  return `${connectionId}:${sourceOrderId}`;
}
