// The Toast orders the simulator stores (Orders API v2 JSON, per restaurant), its settings, tokens and timestamps.
import { z } from "zod";
import type { SimContext } from "../../kit";

/** An Orders API v2 Order as GET /orders/v2/orders/{guid} returns it; unknown fields are kept. */
export interface ToastOrder {
  guid: string;
  modifiedDate: string;
  createdDate: string;
  voided?: boolean;
  voidDate?: string | null;
  closedDate?: string | null;
  paidDate?: string | null;
  deliveryInfo?: Record<string, unknown> | null;
  checks: ToastCheck[];
  [field: string]: unknown;
}

export interface ToastCheck {
  guid: string;
  totalAmount?: number | null;
  paymentStatus?: string | null;
  voided?: boolean;
  deleted?: boolean;
  closedDate?: string | null;
  selections: { guid: string; price?: number | null; tax?: number | null; voided?: boolean; refundDetails?: unknown; [field: string]: unknown }[];
  payments?: ToastPayment[] | null;
  [field: string]: unknown;
}

export interface ToastPayment {
  guid: string;
  type: string;
  amount: number;
  tipAmount: number;
  paymentStatus?: string | null;
  refundStatus?: string | null;
  refund?: Record<string, unknown> | null;
  [field: string]: unknown;
}

/** A stored order and the restaurant it belongs to (ordersBulk answers per Toast-Restaurant-External-ID). */
export interface Stored {
  restaurantGuid: string;
  order: ToastOrder;
}

/** What seeding checks (spec: Order requires checks; Check requires selections). */
export const SeedOrder = z.looseObject({
  guid: z.string().min(1),
  modifiedDate: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "modifiedDate must be an ISO-8601 date"),
  createdDate: z.string(),
  checks: z.array(z.looseObject({ guid: z.string(), selections: z.array(z.looseObject({ guid: z.string() })) })).min(1),
});

export const ORDERS = "orders";
export const TOKENS = "tokens";

/** Toast renders dates with milliseconds and a numeric offset: 2021-07-30T11:57:46.235+0000. */
export function toastTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

/** modifiedDate moves strictly forward on every change (millisecond resolution). */
export function touch(order: ToastOrder, now: Date): void {
  const prev = Date.parse(order.modifiedDate);
  order.modifiedDate = toastTime(Math.max(now.getTime(), Number.isNaN(prev) ? 0 : prev + 1));
}

export function load(sim: SimContext, guid: string): Stored | null {
  return sim.store.get<Stored>(ORDERS, guid);
}

export function save(sim: SimContext, stored: Stored): void {
  sim.store.put(ORDERS, stored.order.guid, stored);
}

/** Simulator settings with their defaults (POST /_config/toast overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    restaurantGuid: str("restaurantGuid", "6f1f2d0e-7b5c-4d2a-9c1e-0d3b5a7e9f11"),
    clientId: str("clientId", "demo-toast-client"),
    clientSecret: str("clientSecret", "demo-toast-client-secret"),
    webhookSecret: str("webhookSecret", "demo-toast-secret"),
    webhookUrl: str("webhookUrl", `${sim.env.MESH_URL || "http://localhost:8787"}/webhooks/toast/demo-toast`),
  };
}
