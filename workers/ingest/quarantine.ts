// Quarantine and counters: verified payloads that could not be used, and tallies of ignored/duplicate events.
import { sql } from "drizzle-orm";
import { db } from "../../shared/db/client";
import { counters, quarantine } from "../../shared/db/schema";

export async function quarantineEvent(
  env: Env,
  e: { connectionId: string; source: string; topic: string | null; eventId: string | null; reason: string; raw: string },
): Promise<void> {
  await db(env.DB).insert(quarantine).values({ ...e, raw: e.raw.slice(0, 1_048_576) });
  await bumpCounter(env, e.connectionId, "quarantined");
}

export async function bumpCounter(env: Env, connectionId: string, name: string, by = 1): Promise<void> {
  await db(env.DB)
    .insert(counters)
    .values({ connectionId, name, value: by })
    .onConflictDoUpdate({ target: [counters.connectionId, counters.name], set: { value: sql`${counters.value} + ${by}`, updatedAt: new Date().toISOString() } });
}
