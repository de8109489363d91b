// The Square records the simulator stores (Orders, Payments, PaymentRefunds), their settings, ids and timestamps.
import type { SimContext } from "../../kit";

/** An Order as RetrieveOrder returns it; the simulator reads and writes the fields named here and keeps the rest. */
export interface SquareOrder {
  id: string;
  location_id: string;
  reference_id?: string;
  state: "OPEN" | "COMPLETED" | "CANCELED" | "DRAFT";
  version?: number;
  created_at: string;
  updated_at: string;
  closed_at?: string;
  line_items?: Array<Record<string, unknown> & { uid?: string; quantity: string; name?: string }>;
  taxes?: Array<Record<string, unknown>>;
  fulfillments?: Array<Record<string, unknown> & { uid?: string; type?: string; state?: string }>;
  tenders?: SquareTender[];
  refunds?: SquareRefund[];
  returns?: Array<Record<string, unknown>>;
  total_money: Money;
  total_tip_money?: Money;
  total_tax_money?: Money;
  [field: string]: unknown;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface SquareTender {
  id?: string;
  location_id?: string;
  transaction_id?: string;
  created_at?: string;
  amount_money?: Money;
  tip_money?: Money;
  type: string;
  card_details?: { status?: string; card?: Record<string, unknown>; entry_method?: string };
  cash_details?: Record<string, unknown>;
  payment_id?: string;
  [field: string]: unknown;
}

export interface SquareRefund {
  id: string;
  location_id: string;
  transaction_id?: string;
  tender_id?: string;
  created_at?: string;
  reason: string;
  amount_money: Money;
  status: "PENDING" | "APPROVED" | "REJECTED" | "FAILED";
}

export const ORDERS = "orders";
export const PAYMENTS = "payments";
export const REFUNDS = "refunds";

/** Simulator settings with their defaults (POST /_config/square overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  const locations = Array.isArray(c.locationIds) && c.locationIds.every((l) => typeof l === "string") ? (c.locationIds as string[]) : ["LDEMOMAIN0001", "LDEMOMARKET02"];
  return {
    webhookUrl: str("webhookUrl", `${sim.env.MESH_URL || "http://localhost:8787"}/webhooks/square/demo-square`),
    /** The subscription's signature key (https://developer.squareup.com/docs/webhooks/step3validate). */
    signatureKey: str("webhookSecret", "demo-square-secret"),
    accessToken: str("accessToken", "demo-square-token"),
    merchantId: str("merchantId", "MLDEMOSQUARE1"),
    environment: str("environment", "Sandbox"),
    locations,
  };
}

/** RFC 3339 with milliseconds, as Square writes server timestamps ("2020-05-18T16:30:49.614Z"). */
export function squareTime(d: Date): string {
  return d.toISOString();
}

/** A strictly later updated_at than the order's current one (two changes in one millisecond stay two versions). */
export function nextUpdatedAt(order: { updated_at?: string }, now: Date): string {
  const prev = Date.parse(order.updated_at ?? "");
  return squareTime(new Date(Math.max(now.getTime(), Number.isNaN(prev) ? 0 : prev + 1)));
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Square-looking opaque ids (base62): a kind prefix, random filler, and a fixed-width sequence that keeps them unique. */
export function newId(sim: SimContext, kind: string, length = 27): string {
  let n = sim.store.next(`square_${kind}`);
  let seq = "";
  while (n > 0) {
    seq = ALPHABET[n % 62]! + seq;
    n = Math.floor(n / 62);
  }
  seq = seq.padStart(6, "0");
  const prefix = kind.slice(0, 2).toUpperCase();
  let filler = "";
  while (prefix.length + filler.length + seq.length < length) filler += ALPHABET[Math.floor(sim.random() * 62)]!;
  return `${prefix}${filler}${seq}`;
}

export function loadOrder(sim: SimContext, id: string): SquareOrder | null {
  return sim.store.get<SquareOrder>(ORDERS, id);
}

export function saveOrder(sim: SimContext, order: SquareOrder): void {
  sim.store.put(ORDERS, order.id, order);
}
