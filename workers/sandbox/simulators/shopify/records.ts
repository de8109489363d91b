// The Shopify REST Order record the simulator stores, its money/time formatting, and the seed validation.
import { z } from "zod";
import { formatMinor, toMinor } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";

/** A REST 2024-04 Order as Shopify serializes it; the simulator reads and writes the fields below, keeps the rest. */
export interface ShopifyOrder {
  id: number;
  name: string;
  currency: string;
  taxes_included: boolean;
  created_at: string;
  updated_at: string;
  processed_at?: string | null;
  closed_at?: string | null;
  cancelled_at?: string | null;
  cancel_reason?: string | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  location_id?: number | null;
  source_name?: string | null;
  total_price: string;
  payment_gateway_names?: string[];
  line_items: ShopifyLineItem[];
  shipping_lines?: ShopifyShippingLine[];
  refunds?: ShopifyRefund[];
  fulfillments?: Record<string, unknown>[];
  [field: string]: unknown;
}

export interface ShopifyTaxLine {
  title: string;
  rate: number;
  price: string;
  price_set?: MoneySet;
  channel_liable?: boolean | null;
}

export interface ShopifyAllocation {
  amount: string;
  amount_set?: MoneySet;
  discount_application_index: number;
}

export interface ShopifyLineItem {
  id: number;
  quantity: number;
  price: string;
  current_quantity?: number;
  fulfillable_quantity?: number;
  fulfillment_status?: string | null;
  tax_lines?: ShopifyTaxLine[];
  discount_allocations?: ShopifyAllocation[];
  [field: string]: unknown;
}

export interface ShopifyShippingLine {
  price: string;
  tax_lines?: ShopifyTaxLine[];
  discount_allocations?: ShopifyAllocation[];
  [field: string]: unknown;
}

export interface ShopifyRefund {
  id: number;
  order_id: number;
  refund_line_items: { line_item_id: number; quantity: number; [field: string]: unknown }[];
  transactions: { kind: string; status: string; amount: string; [field: string]: unknown }[];
  order_adjustments: { kind: string; amount: string; tax_amount?: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface MoneySet {
  shop_money: { amount: string; currency_code: string };
  presentment_money: { amount: string; currency_code: string };
}

/** What seeding checks: enough to list, page and mutate the record; everything else is stored as given. */
export const SeedOrder = z.looseObject({
  id: z.number().int().positive(),
  updated_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "updated_at must be an ISO-8601 timestamp"),
  line_items: z.array(z.looseObject({ id: z.number().int().positive(), quantity: z.number().int().nonnegative(), price: z.string() })),
});

export const ORDERS = "orders";
/** The order's transactions, by order id (served at /orders/{id}/transactions.json, never inside the order). */
export const TRANSACTIONS = "transactions";

/** https://shopify.dev/docs/api/admin-rest/2024-04/resources/transaction#resource-object */
export interface ShopifyTransaction {
  id: number;
  order_id: number;
  kind: "sale" | "capture" | "authorization" | "void" | "refund";
  gateway: string;
  status: "success" | "pending" | "failure" | "error";
  amount: string;
  currency: string;
  parent_id: number | null;
  created_at: string;
  processed_at: string;
  [field: string]: unknown;
}

/** A tender of a sale: its gateway and amount (decimal); the last one without an amount takes what is left. */
export interface Tender {
  gateway: string;
  amount?: string;
}

export function loadTransactions(sim: SimContext, orderId: number | string): ShopifyTransaction[] {
  return sim.store.get<ShopifyTransaction[]>(TRANSACTIONS, String(orderId)) ?? [];
}

export function saveTransactions(sim: SimContext, orderId: number | string, txs: ShopifyTransaction[]): void {
  sim.store.put(TRANSACTIONS, String(orderId), txs);
}

/** One transaction in Shopify's shape. */
export function transaction(order: ShopifyOrder, id: number, kind: ShopifyTransaction["kind"], gateway: string, minorAmount: number, at: string, parentId: number | null = null): ShopifyTransaction {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/OrderTransaction/${id}`,
    order_id: order.id,
    kind,
    gateway,
    status: "success",
    message: kind === "refund" ? "Refunded" : "Transaction approved",
    created_at: at,
    processed_at: at,
    test: false,
    authorization: null,
    location_id: order.location_id ?? null,
    user_id: null,
    parent_id: parentId,
    device_id: null,
    error_code: null,
    source_name: String(order.source_name ?? "web"),
    receipt: {},
    amount: amount(minorAmount, order.currency),
    currency: order.currency,
  };
}

export function amount(minor: number, currency: string): string {
  return formatMinor(minor, currency);
}

export function moneySet(minor: number, currency: string): MoneySet {
  const a = { amount: formatMinor(minor, currency), currency_code: currency };
  return { shop_money: a, presentment_money: { ...a } };
}

export function minor(value: string | number | undefined | null, currency: string): number {
  return value === undefined || value === null ? 0 : toMinor(value, currency);
}

/** Shopify renders timestamps to the second with an offset ("2024-04-02T09:04:18-05:00"); the sandbox shop is on UTC. */
export function shopifyTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * The next updated_at for a changed order or inventory level. Shopify's resolution is one second; the simulator keeps it strictly
 * increasing so two changes in one second still read as two versions (tests mutate orders faster than people do).
 */
export function nextUpdatedAt(order: Pick<ShopifyOrder, "updated_at">, now: Date): string {
  const prev = Date.parse(order.updated_at);
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : Math.floor(prev / 1000) * 1000 + 1000);
  return shopifyTime(new Date(at));
}

export function loadOrder(sim: SimContext, id: string): ShopifyOrder | null {
  return sim.store.get<ShopifyOrder>(ORDERS, id);
}

export function saveOrder(sim: SimContext, order: ShopifyOrder): void {
  sim.store.put(ORDERS, String(order.id), order);
}

/** Simulator settings with their defaults (POST /_config/shopify overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    shopDomain: str("shopDomain", "demo-shop.myshopify.com"),
    webhookSecret: str("webhookSecret", "demo-shopify-secret"),
    webhookUrl: str("webhookUrl", `${sim.env.MESH_URL || "http://localhost:8787"}/webhooks/shopify/demo-shopify`),
    accessToken: str("accessToken", "demo-shopify-token"),
  };
}
