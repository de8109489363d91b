// What the PrestaShop simulator stores: orders (JSON output shape), credit slips, payments, carriers, and the shop's
// currencies; seeding, amounts with 6 decimals, shop-local dates.
import { formatMinor, toMinor } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";
import type { Rec } from "./query";
import { stateById, validateOrder } from "./schema";

export const ORDERS = "orders";
export const SLIPS = "order_slip";
export const PAYMENTS = "order_payments";
export const CARRIERS = "order_carriers";

/** Simulator settings with their defaults (POST /_config/prestashop overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  return {
    webserviceKey: typeof c.webserviceKey === "string" && c.webserviceKey !== "" ? c.webserviceKey : "DEMOPRESTASHOPWEBSERVICEKEY00001",
    currencies: Array.isArray(c.currencies)
      ? (c.currencies as Rec[])
      : [
          { id: "1", iso_code: "USD", name: "US Dollar", conversion_rate: "1.000000", deleted: "0", active: "1" },
          { id: "2", iso_code: "EUR", name: "Euro", conversion_rate: "0.920000", deleted: "0", active: "1" },
        ],
  };
}

/** The currency of an order, by its id_currency. */
export function currencyOf(sim: SimContext, order: Rec): string {
  const c = settings(sim).currencies.find((x) => String(x.id) === String(order.id_currency));
  return c ? String(c.iso_code) : "USD";
}

/** PrestaShop stores money with 6 decimals and renders them all ("12.500000"). */
export function amount(minor: number, currency: string): string {
  const s = formatMinor(minor, currency);
  const [int, frac = ""] = s.split(".");
  return `${int}.${frac.padEnd(6, "0")}`;
}

export function minor(value: unknown, currency: string): number {
  return value === undefined || value === null || value === "" ? 0 : toMinor(String(value), currency);
}

/** Shop-local date, to the second ("2024-01-01 00:00:00"; the sandbox shop runs on UTC). */
export function shopTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** The next date_upd of a changed order: second resolution, strictly increasing so each change is a version. */
export function nextDateUpd(previous: unknown, now: Date): string {
  const prev = typeof previous === "string" ? Date.parse(`${previous.replace(" ", "T")}Z`) : Number.NaN;
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : Math.floor(prev / 1000) * 1000 + 1000);
  return shopTime(new Date(at));
}

function reference(sim: SimContext): string {
  let r = "";
  for (let i = 0; i < 9; i++) r += String.fromCharCode(65 + Math.floor(sim.random() * 26));
  return r;
}

/** Stores one order given in the JSON output format ({"order": {…}} or the bare record), validated by the blank schema. */
export function seedOrder(sim: SimContext, record: unknown): { ok: true; order: Rec } | { ok: false; problems: string[] } {
  const body = (record && typeof record === "object" && "order" in record ? (record as { order: unknown }).order : record) as Rec | null;
  if (!body || typeof body !== "object") return { ok: false, problems: ["(root): one order record"] };
  const problems = validateOrder(body);
  const state = stateById(String(body.current_state ?? ""));
  if (body.current_state !== undefined && !state) problems.push(`current_state: order state ${String(body.current_state)} does not exist`);
  if (!settings(sim).currencies.some((c) => String(c.id) === String(body.id_currency))) problems.push(`id_currency: currency ${String(body.id_currency)} does not exist`);
  if (problems.length > 0) return { ok: false, problems };
  const now = shopTime(sim.now());
  const id = body.id !== undefined && body.id !== "" ? String(body.id) : String(sim.store.next("prestashop_order", 1001));
  const rows = ((body.associations as { order_rows: Rec[] }).order_rows ?? []).map((r) => ({
    ...r,
    id: r.id !== undefined && r.id !== "" ? String(r.id) : String(sim.store.next("prestashop_order_detail", 5001)),
  }));
  const order: Rec = {
    id_shop_group: "1",
    id_shop: "1",
    id_lang: "1",
    ...body,
    id,
    reference: typeof body.reference === "string" && body.reference !== "" ? body.reference : reference(sim),
    valid: body.valid ?? (state?.logable ? "1" : "0"),
    date_add: body.date_add ?? now,
    date_upd: body.date_upd ?? now,
    associations: { order_rows: rows },
  };
  sim.store.put(ORDERS, id, order);
  return { ok: true, order };
}
