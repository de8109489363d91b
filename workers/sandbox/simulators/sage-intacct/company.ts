// The simulated Intacct company: users, transaction definitions, customers, items, and Order Entry arithmetic.
import { exponentOf } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";
import { kids, tag, type XNode } from "./ordered";

export type Rec = Record<string, unknown>;

/** A function-level business error (`result/errormessage/error`). */
export class IntacctError extends Error {
  constructor(readonly errorno: string, readonly description2: string, readonly correction = "") {
    super(description2);
  }
}

/** Intacct's generic "could not create/update" business-logic error number [UNVERIFIED: seen in SDK issue threads]. */
export const BL = "BL01001973";

export interface TransactionDefinition {
  /** Document number prefix (SO0001, SR0001). */
  prefix: string;
  /** Subtotal lines the definition allows (a request's subtotal descriptions must be among them). */
  subtotals: string[];
}

export interface Company {
  companyId: string;
  users: Record<string, string>;
  baseCurrency: string;
  definitions: Record<string, TransactionDefinition>;
  customers: string[];
  items: string[];
  /** Concurrent API requests of the company's performance tier (default 2). */
  concurrency: number;
  sessionTtlSeconds: number;
}

export const DEMO_COMPANY = "demo-intacct-co";

export function defaultCompany(companyId: string): Company {
  return {
    companyId,
    users: companyId === DEMO_COMPANY ? { "demo-user": "demo-user-pw" } : {},
    baseCurrency: "USD",
    definitions: {
      "Sales Order": { prefix: "SO", subtotals: ["Tax", "Discount", "Shipping"] },
      "Sales Invoice": { prefix: "SI", subtotals: ["Tax", "Discount", "Shipping"] },
      "Sales Return": { prefix: "SR", subtotals: ["Tax"] },
    },
    customers: ["WALKIN"],
    items: ["MERCH", "SHIPPING", "DISCOUNT", "ROUNDING", "TIP", "GIFTCARD"],
    concurrency: 2,
    sessionTtlSeconds: 3600,
  };
}

export function company(sim: SimContext, id: string): Company | null {
  const stored = sim.store.get<Company>("companies", id);
  if (stored) return stored;
  if (id !== DEMO_COMPANY) return null;
  const fresh = defaultCompany(id);
  sim.store.put("companies", id, fresh);
  return fresh;
}

// ------------------------------------------------------------------ ordered XML → plain fields

/** Element text of an ordered node. */
export function textOf(n: XNode): string {
  return kids(n).filter((k) => tag(k) === "#text").map((k) => String(k["#text"])).join("");
}

export function child(n: XNode, name: string): XNode | undefined {
  return kids(n).find((k) => tag(k) === name);
}

export function children(n: XNode, name: string): XNode[] {
  return kids(n).filter((k) => tag(k) === name);
}

export function field(n: XNode, name: string): string | undefined {
  const c = child(n, name);
  return c ? textOf(c).trim() : undefined;
}

// ------------------------------------------------------------------ arithmetic

interface Dec {
  int: bigint;
  scale: number;
}

export function dec(v: string, what: string): Dec {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(v.trim());
  if (!m || (m[2] === "" && !m[3])) throw new IntacctError(BL, `${what}: '${v}' is not a valid number`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return { int: BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n), scale: frac.length };
}

/** Half up [UNVERIFIED: Intacct does not document its rounding mode]. */
export function round(a: Dec, p: number): bigint {
  if (a.scale <= p) return a.int * 10n ** BigInt(p - a.scale);
  const d = 10n ** BigInt(a.scale - p);
  const neg = a.int < 0n;
  const abs = neg ? -a.int : a.int;
  const q = (abs * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** Decimal places of a transaction currency (its number format; ISO 4217 by default). */
export function places(currency: string): number {
  return exponentOf(currency);
}

export function fmt(units: bigint, p: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(p + 1, "0");
  return `${neg ? "-" : ""}${p === 0 ? digits : `${digits.slice(0, -p)}.${digits.slice(-p)}`}`;
}

export function dateOf(n: XNode | undefined, what: string): string | undefined {
  if (!n) return undefined;
  const y = Number(field(n, "year"));
  const m = Number(field(n, "month"));
  const d = Number(field(n, "day"));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (!y || !m || !d || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) throw new IntacctError(BL, `${what} is not a valid date`);
  return `${String(m).padStart(2, "0")}/${String(d).padStart(2, "0")}/${y}`;
}

export interface Line {
  LINE_NO: number;
  ITEMID: string;
  ITEMDESC: string;
  QUANTITY: string;
  PRICE: string;
  UIVALUE: string;
  MEMO: string;
  LOCATIONID: string;
  DEPARTMENTID: string;
}

/** One sotransitem (or updatesotransitem merged onto an existing line): the item must exist; line total = quantity × price. */
export function line(c: Company, n: XNode, p: number, lineNo: number, base?: Line): Line {
  const itemid = field(n, "itemid") ?? base?.ITEMID;
  if (!itemid || !c.items.includes(itemid)) throw new IntacctError(BL, `Invalid Item ${itemid ?? ""}`, "Use an active item id");
  const quantity = field(n, "quantity") ?? base?.QUANTITY ?? "1";
  const price = field(n, "price") ?? base?.PRICE ?? "0";
  const q = dec(quantity, "quantity");
  const pr = dec(price, "price");
  const value = round({ int: q.int * pr.int, scale: q.scale + pr.scale }, p);
  return {
    LINE_NO: lineNo,
    ITEMID: itemid,
    ITEMDESC: field(n, "itemdesc") ?? base?.ITEMDESC ?? "",
    QUANTITY: quantity,
    PRICE: price,
    UIVALUE: fmt(value, p),
    MEMO: field(n, "memo") ?? base?.MEMO ?? "",
    LOCATIONID: field(n, "locationid") ?? base?.LOCATIONID ?? "",
    DEPARTMENTID: field(n, "departmentid") ?? base?.DEPARTMENTID ?? "",
  };
}

export function subtotals(def: TransactionDefinition, defName: string, nodes: XNode[], p: number): Array<{ DESCRIPTION: string; TOTAL: string }> {
  return nodes.map((s) => {
    const description = field(s, "description") ?? "";
    if (!def.subtotals.includes(description)) throw new IntacctError(BL, `Subtotal '${description}' is not defined for transaction definition ${defName}`);
    return { DESCRIPTION: description, TOTAL: fmt(round(dec(field(s, "total") ?? "0", "subtotal total"), p), p) };
  });
}

/** TOTAL = Σ line values + Σ subtotals (the subtotal amounts as given: a Tax subtotal locks the tax). */
export function totals(lines: Line[], subs: Array<{ TOTAL: string }>, p: number): { SUBTOTAL: string; TOTAL: string } {
  const sub = lines.reduce((a, l) => a + round(dec(l.UIVALUE, "value"), p), 0n);
  const extra = subs.reduce((a, s) => a + round(dec(s.TOTAL, "subtotal"), p), 0n);
  return { SUBTOTAL: fmt(sub, p), TOTAL: fmt(sub + extra, p) };
}

export function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
