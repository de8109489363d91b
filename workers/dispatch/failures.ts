// Failures in D1: one row per (order, destination), shown in admin with the vendor's error and a retry button.
import { and, eq } from "drizzle-orm";
import type { ErrorDetail } from "../../shared/connector/errors";
import { db } from "../../shared/db/client";
import { failures } from "../../shared/db/schema";

export async function recordFailure(env: Env, orderKey: string, destinationId: string, e: ErrorDetail, attempts: number): Promise<void> {
  const now = new Date().toISOString();
  const row = {
    orderKey, destinationConnectionId: destinationId, kind: e.kind, vendorCode: e.vendorCode ?? null,
    message: e.message, body: e.body ?? null, attempts, status: "open" as const, updatedAt: now,
  };
  await db(env.DB).insert(failures).values(row).onConflictDoUpdate({ target: [failures.orderKey, failures.destinationConnectionId], set: row });
}

export async function clearFailure(env: Env, orderKey: string, destinationId: string): Promise<void> {
  await db(env.DB)
    .update(failures)
    .set({ status: "resolved", updatedAt: new Date().toISOString() })
    .where(and(eq(failures.orderKey, orderKey), eq(failures.destinationConnectionId, destinationId), eq(failures.status, "open")));
}
