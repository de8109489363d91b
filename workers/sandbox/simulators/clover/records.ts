// The Clover REST v3 records the simulator stores (orders with their collections), settings, ids, seed validation.
// Shapes: https://docs.clover.com/dev/reference/ordergetorder ; collections are {"elements": [...]}.
import { z } from "zod";
import type { SimContext } from "../../kit";

type Elements<T> = { elements: T[] };

export interface CloverLineItem {
  id: string;
  name?: string;
  price: number;
  unitQty?: number;
  unitName?: string;
  itemCode?: string;
  refunded?: boolean;
  discounts?: Elements<{ id?: string; name?: string; amount?: number; percentage?: number }>;
  modifications?: Elements<{ id?: string; name?: string; amount?: number }>;
  taxRates?: Elements<{ id?: string; name?: string; rate: number }>;
  [field: string]: unknown;
}

export interface CloverPayment {
  id: string;
  order: { id: string };
  amount: number;
  tipAmount?: number;
  taxAmount?: number;
  result: string;
  tender?: { id?: string; label?: string; labelKey?: string };
  createdTime: number;
  modifiedTime?: number;
  [field: string]: unknown;
}

export interface CloverRefund {
  id: string;
  orderRef: { id: string };
  payment: { id: string };
  amount: number;
  taxAmount?: number;
  tipAmount?: number;
  createdTime: number;
  lineItems?: Elements<{ id: string }>;
  [field: string]: unknown;
}

export interface CloverOrder {
  href?: string;
  id: string;
  currency: string;
  total: number;
  state?: string;
  paymentState?: string;
  isVat?: boolean;
  taxRemoved?: boolean;
  title?: string;
  note?: string;
  createdTime: number;
  clientCreatedTime?: number;
  modifiedTime: number;
  lineItems?: Elements<CloverLineItem>;
  discounts?: Elements<{ id?: string; name?: string; amount?: number; percentage?: number }>;
  payments?: Elements<CloverPayment>;
  refunds?: Elements<CloverRefund>;
  credits?: Elements<Record<string, unknown>>;
  [field: string]: unknown;
}

const ID = z.string().regex(/^[A-Z0-9]{13}$/, "Clover ids are 13 characters [A-Z0-9]");
const elements = <T extends z.ZodType>(item: T) => z.looseObject({ elements: z.array(item) });

/** What seeding checks, per the documented field types; everything else is stored as given. */
export const SeedOrder = z.looseObject({
  id: ID.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  total: z.number().int(),
  state: z.string().max(31).optional(),
  paymentState: z.enum(["OPEN", "PAID", "REFUNDED", "CREDITED", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"]).optional(),
  createdTime: z.number().int().positive().optional(),
  modifiedTime: z.number().int().positive().optional(),
  lineItems: elements(
    z.looseObject({
      id: ID.optional(),
      price: z.number().int(),
      unitQty: z.number().int().positive().optional(),
      discounts: elements(z.looseObject({ amount: z.number().int().nonpositive().optional(), percentage: z.number().nonnegative().optional() })).optional(),
      modifications: elements(z.looseObject({ amount: z.number().int() })).optional(),
      taxRates: elements(z.looseObject({ rate: z.number().int().nonnegative() })).optional(),
    }),
  ).optional(),
  discounts: elements(z.looseObject({ amount: z.number().int().nonpositive().optional(), percentage: z.number().nonnegative().optional() })).optional(),
  payments: elements(z.looseObject({ id: ID.optional(), amount: z.number().int(), result: z.string().optional() })).optional(),
  refunds: elements(z.looseObject({ id: ID.optional(), amount: z.number().int(), createdTime: z.number().int().optional() })).optional(),
  credits: elements(z.looseObject({ id: ID.optional(), amount: z.number().int() })).optional(),
});

export const ORDERS = "orders";

export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    merchantId: str("merchantId", "DEMOCLOVERMID"),
    appId: str("appId", "DEMOCLOVERAPP"),
    /** The app's Clover Auth Code, sent as X-Clover-Auth (https://docs.clover.com/docs/webhooks). */
    authCode: str("webhookSecret", "demo-clover-secret"),
    accessToken: str("accessToken", "demo-clover-token"),
    webhookUrl: str("webhookUrl", `${sim.env.MESH_URL || "http://localhost:8787"}/webhooks/clover/demo-clover`),
  };
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 13-character Clover-style ids: random head, fixed-width sequence tail (unique per simulator). */
export function newId(sim: SimContext): string {
  let n = sim.store.next("clover_id");
  let tail = "";
  for (let i = 0; i < 6; i++) {
    tail = ALPHABET[n % 32]! + tail;
    n = Math.floor(n / 32);
  }
  let head = "";
  while (head.length < 7) head += ALPHABET[Math.floor(sim.random() * 32)]!;
  return head + tail;
}

/** A strictly later modifiedTime than the order's (two changes in one millisecond stay two versions). */
export function nextModified(order: { modifiedTime?: number }, now: Date): number {
  return Math.max(now.getTime(), (order.modifiedTime ?? 0) + 1);
}

export function loadOrder(sim: SimContext, id: string): CloverOrder | null {
  return sim.store.get<CloverOrder>(ORDERS, id);
}

export function saveOrder(sim: SimContext, order: CloverOrder): void {
  sim.store.put(ORDERS, order.id, order);
}
