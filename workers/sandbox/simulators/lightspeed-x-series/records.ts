// The X-Series sale records (API 2.0 shape) the simulator stores, its settings, versions, timestamps and exact money.
import { z } from "zod";
import type { SimContext } from "../../kit";

/** An API 2.0 Sale (https://x-series-api.lightspeedhq.com/reference/listsales); unknown fields are kept. */
export interface XSale {
  id: string;
  outlet_id?: string | null;
  register_id?: string | null;
  user_id?: string | null;
  customer_id?: string | null;
  invoice_number?: string | null;
  invoice_sequence?: number | null;
  status: string;
  note?: string | null;
  return_for?: string | null;
  created_at: string;
  updated_at: string;
  sale_date?: string | null;
  deleted_at?: string | null;
  total_price: number;
  total_tax: number;
  version: number;
  taxes?: { id: string; name?: string | null; rate?: number | null; amount?: number | null }[];
  line_items: XLine[];
  payments: XPayment[];
  [field: string]: unknown;
}

export interface XLine {
  id: string;
  product_id: string;
  quantity: number;
  price: number;
  price_total: number;
  tax?: number | null;
  tax_total: number;
  tax_id?: string | null;
  discount?: number | null;
  [field: string]: unknown;
}

export interface XPayment {
  id: string;
  retailer_payment_type_id?: string | null;
  name?: string | null;
  amount: number;
  payment_date?: string | null;
  [field: string]: unknown;
}

/** What seeding checks: enough to list, convert and mutate the record; everything else is stored as given. */
export const SeedSale = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  created_at: z.string(),
  total_price: z.number(),
  total_tax: z.number(),
  line_items: z.array(z.looseObject({ id: z.string(), product_id: z.string(), quantity: z.number(), price: z.number(), price_total: z.number(), tax_total: z.number() })),
  payments: z.array(z.looseObject({ id: z.string(), amount: z.number() })).default([]),
});

export const SALES = "sales";

/** API 2.0 timestamps: "2024-07-02T18:22:31+00:00". */
export function isoTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** API 1.0 timestamps: UTC "2024-07-02 18:22:31". */
export function legacyTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** Exact decimals for JSON-number money: X-Series keeps five decimals. */
const SCALE = 100_000n;
export function fixed(n: number): bigint {
  return BigInt(Math.round(n * 100_000));
}
export function num(v: bigint): number {
  return Number(v) / Number(SCALE);
}
/** a × b for a fixed-point amount and a quantity, rounded half away from zero to five decimals. */
export function times(a: bigint, qty: number): bigint {
  const q = fixed(qty);
  const p = a * q;
  const abs = p < 0n ? -p : p;
  const r = (abs * 2n + SCALE) / (2n * SCALE);
  return p < 0n ? -r : r;
}

/** Every change gets the next retailer-wide version and a strictly later updated_at (one-second resolution). */
export function bump(sim: SimContext, sale: XSale): void {
  sale.version = sim.store.next("lsx_version", 1_000_000_001);
  const prev = Date.parse(sale.updated_at ?? "");
  const at = Math.max(Math.floor(sim.now().getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : prev + 1000);
  sale.updated_at = isoTime(new Date(at));
}

export function loadSale(sim: SimContext, id: string): XSale | null {
  return sim.store.get<XSale>(SALES, id);
}

export function saveSale(sim: SimContext, sale: XSale): void {
  sim.store.put(SALES, sale.id, sale);
}

/** Simulator settings with their defaults (POST /_config/lightspeed-x-series overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    domainPrefix: str("domainPrefix", "demostore"),
    retailerId: str("retailerId", "b1c50056-f019-11e3-a0f5-b8ca3a64f8f4"),
    clientSecret: str("clientSecret", "demo-lightspeed-x-series-secret"),
    webhookUrl: str("webhookUrl", `${sim.env.MESH_URL || "http://localhost:8787"}/webhooks/lightspeed-x-series/demo-lightspeed-x-series`),
    accessToken: str("accessToken", "demo-lightspeed-x-series-token"),
    registers: typeof c.registers === "number" && c.registers > 0 ? c.registers : 1,
  };
}
