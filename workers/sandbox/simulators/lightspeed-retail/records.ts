// The Sale records the Lightspeed simulator stores (API V3 JSON, relations included), their rendering and seeding.
// https://developers.lightspeedhq.com/retail/endpoints/Sale/ and /SaleLine/, /SalePayment/
import { z } from "zod";
import type { SimContext } from "../../kit";

export type Json = Record<string, unknown>;

/** A Sale as stored: every relation list held as an array (rendered in Lightspeed's one-or-many form). */
export interface StoredSale extends Json {
  saleID: string;
  timeStamp: string;
  completed: string;
  voided: string;
  SaleLines: { SaleLine: Json[] };
  SalePayments: { SalePayment: Json[] };
}

/** Each account's Sales are their own collection (tests and demos use separate accounts side by side). */
export function salesOf(accountId: string): string {
  return `sales:${accountId}`;
}

/** Simulator settings with their defaults (POST /_config/lightspeed-retail overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    accountId: str("accountId", "183700"),
    currency: str("currency", "USD"),
    accessToken: str("accessToken", "demo-lightspeed-retail-token"),
    clientId: str("clientId", "demo-lightspeed-client"),
    clientSecret: str("clientSecret", "demo-lightspeed-client-secret"),
    refreshToken: str("refreshToken", "demo-lightspeed-refresh-0"),
  };
}

/** Lightspeed renders times to the second with a "+00:00" offset ("2021-06-06T15:19:18+00:00"). */
export function lightspeedTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** The next timeStamp for a changed Sale: second resolution, strictly increasing so each change is a new version. */
export function nextTimeStamp(previous: string | undefined, now: Date): string {
  const prev = previous ? Date.parse(previous) : Number.NaN;
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : Math.floor(prev / 1000) * 1000 + 1000);
  return lightspeedTime(new Date(at));
}

const str = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const list = z
  .union([z.array(z.looseObject({})), z.looseObject({}), z.literal(""), z.null()])
  .optional()
  .transform((v): Json[] => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]));

/** What seeding checks: a Sale as GET /Sale/{id}.json?load_relations=[…] returns it (optionally under "Sale"). */
export const SeedSale = z.looseObject({
  saleID: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String).optional(),
  timeStamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "timeStamp must be an ISO-8601 timestamp").optional(),
  completed: str.pipe(z.enum(["true", "false"])),
  voided: str.pipe(z.enum(["true", "false"])).default("false"),
  total: str,
  calcSubtotal: str,
  calcDiscount: str,
  calcTax1: str,
  calcTax2: str,
  SaleLines: z
    .union([z.looseObject({ SaleLine: list }), z.literal(""), z.null()])
    .optional()
    .transform((v) => (v && typeof v === "object" ? v.SaleLine : [])),
  SalePayments: z
    .union([z.looseObject({ SalePayment: list }), z.literal(""), z.null()])
    .optional()
    .transform((v) => (v && typeof v === "object" ? v.SalePayment : [])),
});

export function loadSale(sim: SimContext, accountId: string, id: string): StoredSale | null {
  return sim.store.get<StoredSale>(salesOf(accountId), id);
}

export function saveSale(sim: SimContext, accountId: string, sale: StoredSale): void {
  sim.store.put(salesOf(accountId), sale.saleID, sale);
}

/** Stores a seeded Sale in an account: ids and timestamps it lacks are assigned, each line linked to it. */
export function seed(sim: SimContext, accountId: string, record: unknown): { ok: true; sale: StoredSale } | { ok: false; problems: string[] } {
  const body = record && typeof record === "object" && "Sale" in record ? (record as { Sale: unknown }).Sale : record;
  const r = SeedSale.safeParse(body);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
  const now = sim.now();
  const saleID = r.data.saleID ?? String(sim.store.next("lightspeed_sale", 1001));
  const timeStamp = r.data.timeStamp ?? lightspeedTime(now);
  const lines = r.data.SaleLines.map((l) => ({
    ...l,
    saleLineID: l.saleLineID === undefined ? String(sim.store.next("lightspeed_sale_line", 5001)) : String(l.saleLineID),
    saleID,
  }));
  const payments = r.data.SalePayments.map((p) => ({
    ...p,
    salePaymentID: p.salePaymentID === undefined ? String(sim.store.next("lightspeed_sale_payment", 7001)) : String(p.salePaymentID),
  }));
  const sale: StoredSale = {
    ...(body as Json),
    ...r.data,
    saleID,
    timeStamp,
    createTime: typeof (body as Json).createTime === "string" ? (body as Json).createTime : timeStamp,
    updatetime: typeof (body as Json).updatetime === "string" ? (body as Json).updatetime : timeStamp,
    SaleLines: { SaleLine: lines },
    SalePayments: { SalePayment: payments },
  };
  saveSale(sim, accountId, sale);
  return { ok: true, sale };
}

/** Lightspeed's one-or-many quirk: a single child is an object, none an empty string. */
function quirk(items: Json[]): Json[] | Json | "" {
  return items.length === 0 ? "" : items.length === 1 ? items[0]! : items;
}

/** Nested relations a line or payment carries (SaleLines.Item → "Item" on each line). */
function nested(rel: string, requested: Set<string>): Set<string> {
  return new Set([...requested].filter((r) => r.startsWith(`${rel}.`)).map((r) => r.slice(rel.length + 1).split(".")[0]!));
}

function withoutRelations(record: Json, keep: Set<string>): Json {
  return Object.fromEntries(Object.entries(record).filter(([k, v]) => !(/^[A-Z]/.test(k) && v !== null && typeof v === "object" && !keep.has(k))));
}

/** A Sale as the API returns it: only the relations asked for in load_relations, in the one-or-many form. */
export function render(sale: StoredSale, requested: Set<string>): Json {
  const top = new Set([...requested].map((r) => r.split(".")[0]!));
  const out = withoutRelations(sale, top);
  if (top.has("SaleLines")) {
    const keep = nested("SaleLines", requested);
    out.SaleLines = { SaleLine: quirk(sale.SaleLines.SaleLine.map((l) => withoutRelations(l, keep))) };
    if (sale.SaleLines.SaleLine.length === 0) out.SaleLines = "";
  }
  if (top.has("SalePayments")) {
    const keep = nested("SalePayments", requested);
    out.SalePayments = { SalePayment: quirk(sale.SalePayments.SalePayment.map((p) => withoutRelations(p, keep))) };
    if (sale.SalePayments.SalePayment.length === 0) out.SalePayments = "";
  }
  return out;
}

/** Reads load_relations: a JSON array of relation names (`["SaleLines","SaleLines.Item"]`) or "all". */
export function readRelations(value: string | null): Set<string> | { error: string } {
  if (!value) return new Set();
  if (value === "all") return new Set(["SaleLines", "SaleLines.Item", "SaleLines.Discount", "SaleLines.Note", "SalePayments", "SalePayments.PaymentType", "Customer", "Customer.Contact", "TaxCategory", "Discount"]);
  try {
    const parsed = JSON.parse(value) as unknown;
    if (Array.isArray(parsed) && parsed.every((r) => typeof r === "string")) return new Set(parsed as string[]);
  } catch {
    // fall through to the error
  }
  return { error: `load_relations must be a JSON array of relation names, got ${value}` };
}
