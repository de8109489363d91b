// NetSuite simulator: the account's records (transactions, customers), field validation and NetSuite's own totals.
import type { SimContext } from "../../kit";
import { exponentOf, formatMinor, MoneyError, toMinor } from "../../../../shared/model/money";

export type Rec = Record<string, unknown>;

export const TRANSACTIONS = ["cashSale", "salesOrder", "invoice", "cashRefund", "creditMemo", "itemFulfillment"] as const;
export const RECORD_TYPES = [...TRANSACTIONS, "customer"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Currency internal ids of the simulated account (1–4 are NetSuite's own defaults for USD, GBP, CAD, EUR). */
export const CURRENCIES: Record<string, string> = { "1": "USD", "2": "GBP", "3": "CAD", "4": "EUR", "5": "JPY", "6": "KWD", "7": "INR", "8": "AUD", "9": "ETB", "10": "AED", "11": "CNY" };

/** The simulated account's lists: which internal ids exist for each kind of reference. */
const CATALOG: Record<string, (id: string) => boolean> = {
  subsidiary: (id) => ["1", "2", "3"].includes(id),
  location: (id) => /^[1-9]$/.test(id),
  department: (id) => /^[1-9]$/.test(id),
  class: (id) => /^[1-9]$/.test(id),
  item: (id) => /^([1-9]|1[0-9]|20)$/.test(id),
  taxCode: (id) => ["-7", "5", "6", "7", "8", "9", "10"].includes(id),
  currency: (id) => id in CURRENCIES,
};

const STATUS_NAMES: Record<string, string> = { A: "Pending Approval", B: "Pending Fulfillment", C: "Cancelled", D: "Partially Fulfilled", E: "Pending Billing/Partially Fulfilled", F: "Pending Billing", G: "Billed", H: "Closed" };
const TRAN_PREFIX: Record<string, string> = { cashSale: "CS", salesOrder: "SO", invoice: "INV", cashRefund: "CR", creditMemo: "CM", itemFulfillment: "IF" };

/** A validation failure, answered as NetSuite's 400 with o:errorPath (NS section_156570709583). */
export class NsInvalid extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

const TRANSACTION_FIELDS = new Set([
  "externalId", "tranDate", "entity", "currency", "exchangeRate", "subsidiary", "location", "department", "class", "otherRefNum", "memo",
  "item", "taxDetailsOverride", "taxDetails", "orderStatus", "createdFrom", "shipStatus", "shipDate",
]);
const CUSTOMER_FIELDS = new Set(["externalId", "isPerson", "firstName", "lastName", "companyName", "email", "phone", "subsidiary"]);
const ITEM_FIELDS = new Set(["line", "item", "description", "quantity", "rate", "amount", "taxDetailsReference", "isClosed"]);
const TAX_FIELDS = new Set(["taxDetailsReference", "taxCode", "taxType", "taxBasis", "taxRate", "taxAmount"]);

function isObj(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Unknown field names are dropped (X-NetSuite-PropertyNameValidation defaults to "warning") unless the client asks
 * for "error"; values are always checked (X-NetSuite-PropertyValueValidation defaults to "error").
 */
function known(body: Rec, fields: Set<string>, strict: boolean, where: string): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(body)) {
    if (fields.has(k)) out[k] = v;
    else if (strict) throw new NsInvalid("INVALID_CONTENT", `Invalid field name ${k}. Provide a valid field name.`, where ? `${where}.${k}` : k);
  }
  return out;
}

function checkRef(v: unknown, kind: string, path: string, sim: SimContext): string {
  if (!isObj(v) || typeof v.id !== "string") throw new NsInvalid("INVALID_CONTENT", `Invalid value for the resource or sub-resource field '${path}'. Provide a valid value.`, path);
  const id = v.id;
  const exists = kind === "customer" ? sim.store.get("customer", id) !== null : kind in CATALOG ? CATALOG[kind]!(id) : sim.store.get(kind, id) !== null;
  if (!exists) throw new NsInvalid("USER_ERROR", `Invalid ${kind} reference key ${id}.`, path);
  return id;
}

function checkText(v: unknown, max: number, path: string): void {
  if (typeof v !== "string") throw new NsInvalid("INVALID_CONTENT", `Invalid value for the resource or sub-resource field '${path}'. Provide a valid value.`, path);
  if (v.length > max) throw new NsInvalid("USER_ERROR", `Field '${path}' exceeds the maximum length of ${max} characters.`, path);
}

function money(v: unknown, currency: string, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new NsInvalid("INVALID_CONTENT", `Invalid value for the resource or sub-resource field '${path}'. Provide a valid value.`, path);
  try {
    return toMinor(v, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NsInvalid("USER_ERROR", `Field '${path}' has more decimal places than ${currency} allows (${exponentOf(currency)}).`, path);
    throw err;
  }
}

/** Validates a transaction body; returns the fields kept. `existing` is the record a PATCH/upsert applies to. */
export function validateTransaction(sim: SimContext, type: RecordType, body: Rec, strict: boolean, existing: Rec | null): Rec {
  const b = known(body, TRANSACTION_FIELDS, strict, "");
  const merged = { ...(existing ?? {}), ...b };
  if (b.tranDate !== undefined && (typeof b.tranDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(b.tranDate) || Number.isNaN(Date.parse(b.tranDate)))) {
    throw new NsInvalid("INVALID_CONTENT", "Invalid value for the resource or sub-resource field 'tranDate'. Provide a valid value.", "tranDate");
  }
  for (const [field, kind] of [["entity", "customer"], ["subsidiary", "subsidiary"], ["location", "location"], ["department", "department"], ["class", "class"], ["currency", "currency"]] as const) {
    if (b[field] !== undefined) checkRef(b[field], kind, field, sim);
  }
  if (!existing && !isObj(merged.entity)) throw new NsInvalid("USER_ERROR", "Please enter value(s) for: Customer", "entity");
  if (!existing && !isObj(merged.subsidiary)) throw new NsInvalid("USER_ERROR", "Please enter value(s) for: Subsidiary", "subsidiary");
  const lines = isObj(merged.item) && Array.isArray(merged.item.items) ? merged.item.items : [];
  if (type !== "itemFulfillment" && lines.length === 0) throw new NsInvalid("USER_ERROR", "You must enter at least one line item for this transaction.", "item");
  if (b.otherRefNum !== undefined) checkText(b.otherRefNum, 45, "otherRefNum");
  if (b.memo !== undefined) checkText(b.memo, 999, "memo");
  if (b.externalId !== undefined) checkText(b.externalId, 255, "externalId");
  if (b.exchangeRate !== undefined && (typeof b.exchangeRate !== "number" || b.exchangeRate <= 0)) throw new NsInvalid("INVALID_CONTENT", "Invalid value for the resource or sub-resource field 'exchangeRate'. Provide a valid value.", "exchangeRate");
  if (b.orderStatus !== undefined && (type !== "salesOrder" || !isObj(b.orderStatus) || !["A", "B"].includes(String(b.orderStatus.id)))) {
    throw new NsInvalid("INVALID_CONTENT", "Invalid value for the resource or sub-resource field 'orderStatus'. Provide a valid value.", "orderStatus");
  }
  const currency = CURRENCIES[String((merged.currency as Rec | undefined)?.id ?? "1")] ?? "USD";
  if (b.item !== undefined) {
    if (!isObj(b.item) || !Array.isArray(b.item.items)) throw new NsInvalid("INVALID_CONTENT", "Invalid value for the resource or sub-resource field 'item'. Provide a valid value.", "item");
    b.item = { items: (b.item.items as unknown[]).map((raw, i) => {
      const path = `item.items[${i}]`;
      if (!isObj(raw)) throw new NsInvalid("INVALID_CONTENT", `Invalid value for the resource or sub-resource field '${path}'. Provide a valid value.`, path);
      const line = known(raw, ITEM_FIELDS, strict, path);
      if (line.item === undefined && line.line === undefined) throw new NsInvalid("USER_ERROR", "Please enter value(s) for: Item", `${path}.item`);
      if (line.item !== undefined) checkRef(line.item, "item", `${path}.item`, sim);
      if (line.description !== undefined) checkText(line.description, 999, `${path}.description`);
      if (line.quantity !== undefined && (typeof line.quantity !== "number" || !Number.isFinite(line.quantity))) throw new NsInvalid("INVALID_CONTENT", `Invalid value for the resource or sub-resource field '${path}.quantity'. Provide a valid value.`, `${path}.quantity`);
      if (line.amount !== undefined) money(line.amount, currency, `${path}.amount`);
      return line;
    }) };
  }
  if (b.taxDetails !== undefined) {
    if (!isObj(b.taxDetails) || !Array.isArray(b.taxDetails.items)) throw new NsInvalid("INVALID_CONTENT", "Invalid value for the resource or sub-resource field 'taxDetails'. Provide a valid value.", "taxDetails");
    b.taxDetails = { items: (b.taxDetails.items as unknown[]).map((raw, i) => {
      const path = `taxDetails.items[${i}]`;
      if (!isObj(raw)) throw new NsInvalid("INVALID_CONTENT", `Invalid value for the resource or sub-resource field '${path}'. Provide a valid value.`, path);
      const t = known(raw, TAX_FIELDS, strict, path);
      checkRef(t.taxCode, "taxCode", `${path}.taxCode`, sim);
      money(t.taxAmount ?? 0, currency, `${path}.taxAmount`);
      return t;
    }) };
  }
  return b;
}

export function validateCustomer(sim: SimContext, body: Rec, strict: boolean, existing: Rec | null): Rec {
  const b = known(body, CUSTOMER_FIELDS, strict, "");
  const merged = { ...(existing ?? {}), ...b };
  if (merged.isPerson === true) {
    for (const f of ["firstName", "lastName"] as const) {
      if (typeof merged[f] !== "string" || merged[f] === "") throw new NsInvalid("USER_ERROR", `Please enter value(s) for: ${f === "firstName" ? "First Name" : "Last Name"}`, f);
      checkText(merged[f], 32, f);
    }
  } else if (typeof merged.companyName !== "string" || merged.companyName === "") {
    throw new NsInvalid("USER_ERROR", "Please enter value(s) for: Company Name", "companyName");
  }
  if (b.email !== undefined) checkText(b.email, 254, "email");
  if (!existing && !isObj(merged.subsidiary)) throw new NsInvalid("USER_ERROR", "Please enter value(s) for: Primary Subsidiary", "subsidiary");
  if (b.subsidiary !== undefined) checkRef(b.subsidiary, "subsidiary", "subsidiary", sim);
  return b;
}

/** Applies a sublist change: `replace` swaps every line; otherwise lines with a `line` key update, others are added. */
function mergeLines(current: Rec[], incoming: Rec[], replace: boolean): Rec[] {
  if (replace) return incoming.map((l, i) => ({ ...l, line: i + 1 }));
  const out = current.map((l) => ({ ...l }));
  for (const l of incoming) {
    const at = typeof l.line === "number" ? out.findIndex((x) => x.line === l.line) : -1;
    if (at >= 0) out[at] = { ...out[at], ...l };
    else out.push({ ...l, line: out.reduce((m, x) => Math.max(m, Number(x.line ?? 0)), 0) + 1 });
  }
  return out;
}

/** Merges a validated body into a record: body fields replace, sublists merge (or are replaced when named in `replace`). */
export function applyBody(existing: Rec | null, body: Rec, replace: readonly string[]): Rec {
  const out: Rec = { ...(existing ?? {}) };
  for (const [k, v] of Object.entries(body)) {
    if ((k === "item" || k === "taxDetails") && isObj(v) && Array.isArray(v.items)) {
      const current = (isObj(out[k]) && Array.isArray((out[k] as Rec).items) ? ((out[k] as Rec).items as Rec[]) : []) ?? [];
      out[k] = { items: mergeLines(current, v.items as Rec[], replace.includes(k) || !existing) };
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * NetSuite's arithmetic for the simulated account: each line's amount (or quantity × rate, rounded) plus its tax —
 * the locked taxAmount when taxDetailsOverride is set, else amount × the tax code's rate — summed in the currency.
 */
export function computeTotals(rec: Rec): { subtotal: number; taxTotal: number; total: number; currency: string } {
  const currency = CURRENCIES[String((rec.currency as Rec | undefined)?.id ?? "1")] ?? "USD";
  const lines = ((rec.item as Rec | undefined)?.items as Rec[] | undefined) ?? [];
  const details = ((rec.taxDetails as Rec | undefined)?.items as Rec[] | undefined) ?? [];
  let subtotal = 0;
  let tax = 0;
  for (const l of lines) {
    const amount = typeof l.amount === "number" ? toMinor(l.amount, currency) : Math.round(Number(l.quantity ?? 0) * Number(l.rate ?? 0) * 10 ** exponentOf(currency));
    subtotal += amount;
    const detail = details.find((d) => d.taxDetailsReference !== undefined && d.taxDetailsReference === l.taxDetailsReference);
    if (rec.taxDetailsOverride === true && detail) tax += toMinor(Number(detail.taxAmount ?? 0), currency);
  }
  return { subtotal, taxTotal: tax, total: subtotal + tax, currency };
}

function asNumber(minor: number, currency: string): number {
  return Number(formatMinor(minor, currency));
}

/** Adds what NetSuite computes and stamps: internal id, tranId, totals, status, dates, reference names. */
export function finish(sim: SimContext, type: RecordType, id: string, rec: Rec, created: boolean): Rec {
  const now = sim.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  const out: Rec = { ...rec, id, lastModifiedDate: now };
  if (created) out.createdDate = now;
  if (type === "customer") return out;
  if (created && TRAN_PREFIX[type]) out.tranId = `${TRAN_PREFIX[type]}${id}`;
  const t = computeTotals(out);
  out.currency = { id: String((out.currency as Rec | undefined)?.id ?? "1"), refName: t.currency };
  if (type !== "itemFulfillment") {
    out.subtotal = asNumber(t.subtotal, t.currency);
    out.taxTotal = asNumber(t.taxTotal, t.currency);
    out.total = asNumber(t.total, t.currency);
  }
  if (type === "salesOrder") {
    const lines = ((out.item as Rec | undefined)?.items as Rec[] | undefined) ?? [];
    let status = String((out.orderStatus as Rec | undefined)?.id ?? "B");
    if (lines.length > 0 && lines.every((l) => l.isClosed === true)) status = "H";
    out.orderStatus = { id: status, refName: STATUS_NAMES[status] };
    out.status = { id: STATUS_NAMES[status], refName: STATUS_NAMES[status] };
  } else if (type === "cashSale") {
    out.status = { id: "notDeposited", refName: "Not Deposited" };
  } else if (type === "invoice" || type === "creditMemo") {
    out.status = { id: "open", refName: "Open" };
  } else if (type === "cashRefund") {
    out.status = { id: "refunded", refName: "Refunded" };
  }
  return out;
}

export { STATUS_NAMES };
