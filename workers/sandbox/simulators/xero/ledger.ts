// The simulated Xero organisation: chart of accounts, tax rates, tracking, contacts, and Xero's document arithmetic.
import type { SimContext } from "../../kit";

export type Rec = Record<string, unknown>;

/** A Xero validation failure: the element as submitted and its ValidationErrors (components.schemas.Element). */
export class XeroRuleError extends Error {
  constructor(readonly messages: string[], readonly element: Rec = {}) {
    super(messages.join("; "));
  }
}

export interface Org {
  tenantId: string;
  name: string;
  baseCurrency: string;
  accounts: Array<{ Code: string; Name: string; Type: string }>;
  taxRates: Array<{ TaxType: string; Name: string; EffectiveRate: string }>;
  tracking: Array<{ Name: string; Options: string[] }>;
  items: string[];
  /** Per-tenant overrides of Xero's published limits (tests tighten one tenant without touching the others). */
  limits?: { perMinute?: number; perDay?: number; concurrency?: number; timeScale?: number };
}

/**
 * A new organisation looks like Xero's demo company: Sales 200, Other Revenue 260, Business Bank Account 090,
 * Rounding 860, tax types NONE / EXEMPTOUTPUT / OUTPUT plus a few regional ones, a "Store" tracking category.
 */
export function defaultOrg(tenantId: string, name = "Demo Company"): Org {
  return {
    tenantId,
    name,
    baseCurrency: "USD",
    accounts: [
      { Code: "090", Name: "Business Bank Account", Type: "BANK" },
      { Code: "091", Name: "Business Savings Account", Type: "BANK" },
      { Code: "200", Name: "Sales", Type: "REVENUE" },
      { Code: "260", Name: "Other Revenue", Type: "REVENUE" },
      { Code: "860", Name: "Rounding", Type: "CURRLIAB" },
    ],
    taxRates: [
      { TaxType: "NONE", Name: "No GST", EffectiveRate: "0" },
      { TaxType: "EXEMPTOUTPUT", Name: "Exempt Sales", EffectiveRate: "0" },
      { TaxType: "OUTPUT", Name: "Sales Tax on Income", EffectiveRate: "15" },
      { TaxType: "OUTPUT2", Name: "20% (VAT on Income)", EffectiveRate: "20" },
      { TaxType: "TAX001", Name: "NY Sales Tax", EffectiveRate: "8.5" },
      { TaxType: "TAX002", Name: "HST", EffectiveRate: "13" },
      { TaxType: "TAX003", Name: "MwSt 7%", EffectiveRate: "7" },
      { TaxType: "TAX004", Name: "Consumption Tax 8%", EffectiveRate: "8" },
      { TaxType: "TAX005", Name: "GST + PST on Income (BC)", EffectiveRate: "12" },
    ],
    tracking: [{ Name: "Store", Options: ["Downtown", "Uptown", "Online"] }],
    items: [],
  };
}

export function org(sim: SimContext, tenantId: string): Org {
  const stored = sim.store.get<Org>("orgs", tenantId);
  if (stored) return stored;
  const fresh = defaultOrg(tenantId);
  sim.store.put("orgs", tenantId, fresh);
  return fresh;
}

// ------------------------------------------------------------------ decimals

interface Dec {
  int: bigint;
  scale: number;
}

export function dec(v: unknown): Dec {
  const s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(12).replace(/0+$/, "")) : String(v ?? "0");
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m) throw new XeroRuleError([`"${s}" is not a valid decimal`]);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return { int: BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n), scale: frac.length };
}

/** Xero rounds half to even [UNVERIFIED: third-party, help.file.ai/xero-rounding-issues]; result in 10^-places units. */
export function round(a: Dec, places: number): bigint {
  if (a.scale <= places) return a.int * 10n ** BigInt(places - a.scale);
  const d = 10n ** BigInt(a.scale - places);
  const neg = a.int < 0n;
  const abs = neg ? -a.int : a.int;
  let q = abs / d;
  const r = (abs % d) * 2n;
  if (r > d || (r === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

const mul = (a: Dec, b: Dec): Dec => ({ int: a.int * b.int, scale: a.scale + b.scale });

/** num/den rounded half to even. */
function ratio(num: bigint, den: bigint): bigint {
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  const r = (n % d) * 2n;
  if (r > d || (r === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** Hundredths → JSON number. */
export function money(cents: bigint): number {
  const neg = cents < 0n;
  const digits = (neg ? -cents : cents).toString().padStart(3, "0");
  return Number(`${neg ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`);
}

export function cents(v: unknown): bigint {
  return round(dec(v ?? 0), 2);
}

// ------------------------------------------------------------------ documents

export interface Computed {
  lines: Rec[];
  subTotal: bigint;
  totalTax: bigint;
  total: bigint;
  totalDiscount: bigint;
}

/**
 * Xero's arithmetic for invoices and credit notes (https://developer.xero.com/documentation/guides/how-to-guides/rounding-in-xero):
 * UnitAmount at 2 places unless unitdp=4, LineAmount = Quantity × UnitAmount less the discount, rounded per line;
 * tax per line on the line amount (or the TaxAmount given), totals the sum of the rounded line figures.
 */
export function compute(doc: Rec, o: Org, opts: { unitdp: number; credit: boolean }): Computed {
  const type = String(doc.LineAmountTypes ?? "Exclusive");
  const errors: string[] = [];
  const lines: Rec[] = [];
  let subTotal = 0n;
  let totalTax = 0n;
  let totalDiscount = 0n;
  const items = (doc.LineItems as Rec[] | undefined) ?? [];
  if (items.length === 0) errors.push("At least one line item must be specified");
  items.forEach((raw, i) => {
    const label = `Line ${i + 1}`;
    const description = typeof raw.Description === "string" ? raw.Description.trim() : "";
    if (!description && !raw.ItemCode) errors.push(`The description field is mandatory for each line item. (${label})`);
    if (raw.ItemCode !== undefined && !o.items.includes(String(raw.ItemCode))) errors.push(`Item code '${String(raw.ItemCode)}' is not valid (${label})`);
    if (raw.AccountCode !== undefined && !o.accounts.some((a) => a.Code === String(raw.AccountCode))) {
      errors.push(`Account code '${String(raw.AccountCode)}' is not a valid code for this document.`);
    }
    const taxType = raw.TaxType === undefined ? "NONE" : String(raw.TaxType);
    const rate = o.taxRates.find((t) => t.TaxType === taxType);
    if (!rate) errors.push(`The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`);
    for (const t of (raw.Tracking as Rec[] | undefined) ?? []) {
      const cat = o.tracking.find((c) => c.Name === t.Name);
      if (!cat) errors.push(`Tracking category '${String(t.Name)}' does not exist`);
      else if (!cat.Options.includes(String(t.Option))) errors.push(`Tracking option '${String(t.Option)}' is not valid for tracking category '${cat.Name}'`);
    }
    if (opts.credit && (raw.DiscountRate !== undefined || raw.DiscountAmount !== undefined)) errors.push("Discounts are not supported on credit notes");
    const qty = { int: round(dec(raw.Quantity ?? 1), 4), scale: 4 };
    const unit = { int: round(dec(raw.UnitAmount ?? 0), opts.unitdp), scale: opts.unitdp };
    const gross = mul(qty, unit);
    let lineAmount: bigint;
    let discount = 0n;
    if (raw.DiscountRate !== undefined) {
      const r = dec(raw.DiscountRate);
      const keep: Dec = { int: 100n * 10n ** BigInt(r.scale) - r.int, scale: r.scale + 2 };
      lineAmount = round(mul(gross, keep), 2);
      discount = round(gross, 2) - lineAmount;
    } else {
      discount = raw.DiscountAmount === undefined ? 0n : cents(raw.DiscountAmount);
      lineAmount = round(gross, 2) - discount;
    }
    if (raw.LineAmount !== undefined && raw.Quantity !== undefined && raw.UnitAmount !== undefined && cents(raw.LineAmount) !== lineAmount) {
      // github.com/XeroAPI/Xero-NetStandard/issues/74 and /147 quote this message.
      errors.push(`The line total ${money(cents(raw.LineAmount)).toFixed(2)} does not match the expected line total ${money(lineAmount).toFixed(2)}`);
    }
    const pct = dec(rate?.EffectiveRate ?? "0");
    const hundred = 100n * 10n ** BigInt(pct.scale);
    let tax: bigint;
    if (raw.TaxAmount !== undefined) tax = cents(raw.TaxAmount);
    else if (type === "NoTax") tax = 0n;
    else if (type === "Inclusive") tax = ratio(lineAmount * pct.int, hundred + pct.int);
    else tax = ratio(lineAmount * pct.int, hundred);
    subTotal += type === "Inclusive" ? lineAmount - tax : lineAmount;
    totalTax += tax;
    totalDiscount += discount;
    lines.push({
      LineItemID: crypto.randomUUID(),
      Description: description,
      Quantity: Number(raw.Quantity ?? 1),
      UnitAmount: Number(raw.UnitAmount ?? 0),
      ...(raw.ItemCode !== undefined ? { ItemCode: raw.ItemCode } : {}),
      AccountCode: raw.AccountCode,
      TaxType: taxType,
      TaxAmount: money(tax),
      LineAmount: money(lineAmount),
      ...(raw.DiscountAmount !== undefined ? { DiscountAmount: money(discount) } : {}),
      ...(raw.DiscountRate !== undefined ? { DiscountRate: Number(raw.DiscountRate) } : {}),
      Tracking: ((raw.Tracking as Rec[] | undefined) ?? []).map((t) => ({ Name: t.Name, Option: t.Option })),
    });
  });
  if (errors.length > 0) throw new XeroRuleError(errors, doc);
  const total = subTotal + totalTax;
  return { lines, subTotal, totalTax, total, totalDiscount };
}

/** Response dates: MS-JSON "/Date(ms+0000)/" beside an ISO DateString (xero_accounting.yaml examples). */
export function msDate(day: string): { date: string; dateString: string } {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return { date: `/Date(${ms}+0000)/`, dateString: `${day}T00:00:00` };
}

export function msNow(sim: SimContext): string {
  return `/Date(${sim.now().getTime()}+0000)/`;
}

/** Resolves a Contact by ContactID or Name; an unknown name creates the contact, as Xero does. */
export function contact(sim: SimContext, tenant: string, ref: Rec | undefined): Rec {
  if (!ref || (!ref.ContactID && !ref.Name)) throw new XeroRuleError(["A Contact must be specified for this type of transaction"]);
  const all = sim.store.list<Rec>("contacts").filter((c) => c.tenant === tenant);
  if (ref.ContactID) {
    const c = all.find((x) => x.ContactID === ref.ContactID);
    if (!c) throw new XeroRuleError([`The contact with the id '${String(ref.ContactID)}' does not exist`]);
    return { ContactID: c.ContactID, Name: c.Name };
  }
  const name = String(ref.Name).trim();
  const found = all.find((x) => String(x.Name).toLowerCase() === name.toLowerCase());
  if (found) return { ContactID: found.ContactID, Name: found.Name };
  const created = { tenant, ContactID: crypto.randomUUID(), Name: name, ContactStatus: "ACTIVE" };
  sim.store.put("contacts", `${tenant}|${created.ContactID}`, created);
  return { ContactID: created.ContactID, Name: created.Name };
}
