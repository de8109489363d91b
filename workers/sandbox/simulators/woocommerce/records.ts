// The WooCommerce order and refund records the simulator stores, its settings, timestamps and money helpers.
import { z } from "zod";
import { formatMinor, toMinor } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";

/** A v3 REST Order as WooCommerce serializes it; the simulator reads and writes the fields below and keeps the rest. */
export interface WooOrder {
  id: number;
  number: string;
  status: string;
  currency: string;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  date_paid?: string | null;
  date_paid_gmt?: string | null;
  date_completed?: string | null;
  date_completed_gmt?: string | null;
  total: string;
  total_tax: string;
  shipping_total: string;
  shipping_tax: string;
  line_items: WooLineItem[];
  shipping_lines?: { id: number; total: string; total_tax: string; [field: string]: unknown }[];
  refunds?: { id: number; reason: string; total: string }[];
  [field: string]: unknown;
}

export interface WooLineItem {
  id: number;
  name: string;
  quantity: number;
  subtotal: string;
  total: string;
  total_tax: string;
  sku?: string;
  [field: string]: unknown;
}

/** GET /orders/{id}/refunds item (https://woocommerce.github.io/woocommerce-rest-api-docs/#order-refund-properties). */
export interface WooRefund {
  id: number;
  date_created: string;
  date_created_gmt: string;
  amount: string;
  reason: string;
  refunded_by: number;
  refunded_payment: boolean;
  meta_data: unknown[];
  line_items: Record<string, unknown>[];
  shipping_lines: Record<string, unknown>[];
  fee_lines: Record<string, unknown>[];
}

const GMT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** What seeding checks: enough to list, page and mutate the record; everything else is stored as given. */
export const SeedOrder = z.looseObject({
  id: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  status: z.string(),
  total: z.string(),
  date_modified_gmt: z.string().regex(GMT, "date_modified_gmt must be a *_gmt timestamp (UTC, no offset)").optional(),
  line_items: z.array(z.looseObject({ id: z.number().int().positive(), quantity: z.number(), total: z.string(), total_tax: z.string() })),
});

export const ORDERS = "orders";
export const refundsOf = (orderId: number | string) => `refunds:${orderId}`;

export function minor(value: string | number | null | undefined, currency: string): number {
  return value === undefined || value === null || value === "" ? 0 : toMinor(value, currency);
}

export function amount(minorUnits: number, currency: string): string {
  return formatMinor(minorUnits, currency);
}

/** The sandbox site runs on UTC, so site time and *_gmt are the same instant without an offset. */
export function wcTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** date_modified has one-second resolution; each change moves it strictly forward so it reads as a new version. */
export function touch(order: WooOrder, now: Date): void {
  const prev = Date.parse(`${order.date_modified_gmt}Z`);
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : prev + 1000);
  order.date_modified_gmt = wcTime(new Date(at));
  order.date_modified = order.date_modified_gmt;
}

export function loadOrder(sim: SimContext, id: string | number): WooOrder | null {
  return sim.store.get<WooOrder>(ORDERS, String(id));
}

export function saveOrder(sim: SimContext, order: WooOrder): void {
  sim.store.put(ORDERS, String(order.id), order);
}

/** Simulator settings with their defaults (POST /_config/woocommerce overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    siteUrl: str("siteUrl", "https://demo-shop.example/"),
    webhookSecret: str("webhookSecret", "demo-woocommerce-secret"),
    webhookUrl: str("webhookUrl", `${sim.env.MESH_URL || "http://localhost:8787"}/webhooks/woocommerce/demo-woocommerce`),
    consumerKey: str("consumerKey", "ck_demo_woocommerce"),
    consumerSecret: str("consumerSecret", "cs_demo_woocommerce"),
  };
}
