// Stock levels: latest per (connection, sku, location), applied only when the source timestamp moves forward.
import type { StockLevel } from "../../shared/model/order";

export async function applyStock(env: Env, connectionId: string, levels: StockLevel[]): Promise<void> {
  const stmt = env.DB.prepare(
    `INSERT INTO stock (connection_id, sku, location_id, available, on_hand, source_updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(connection_id, sku, location_id) DO UPDATE SET available = excluded.available, on_hand = excluded.on_hand,
       source_updated_at = excluded.source_updated_at WHERE excluded.source_updated_at >= stock.source_updated_at`,
  );
  await env.DB.batch(levels.map((l) => stmt.bind(connectionId, l.sku, l.locationId, l.available, l.onHand ?? null, l.updatedAt)));
}
