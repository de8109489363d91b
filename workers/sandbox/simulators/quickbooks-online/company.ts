// One simulated QBO company per realm: seeded lists, entity writes with Intuit's business rules, voids and reads.
import type { SimContext } from "../../kit";
import { add, dec, documentTotal, eq, mul, placesOf, round, sub, text, toJson, type Dec } from "./amounts";

export const TRANSACTIONS = ["SalesReceipt", "Invoice", "RefundReceipt", "CreditMemo", "Payment"] as const;
export const ENTITIES = [...TRANSACTIONS, "Item", "Customer", "TaxCode", "Account"] as const;
export type Entity = (typeof ENTITIES)[number];

/** URL segment (salesreceipt) → entity name (SalesReceipt). */
export function entityFromPath(segment: string): Entity | undefined {
  return ENTITIES.find((e) => e.toLowerCase() === segment.toLowerCase());
}

export interface QboError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

/** A business-rule failure: answered as a ValidationFault. */
export class RuleError extends Error {
  constructor(readonly errors: QboError[]) {
    super(errors[0]?.Message ?? "validation");
  }
}

type Rec = Record<string, unknown>;

const col = (realm: string, entity: string) => `ent:${realm}:${entity}`;

export function homeCurrency(sim: SimContext): string {
  return String(sim.config().homeCurrency ?? "USD");
}

export function qboTime(d: Date): string {
  return d.toISOString().replace("Z", "-00:00");
}

/** Seeds the lists a fresh company needs: walk-in customer, service items, tax codes and accounts. */
export function ensureCompany(sim: SimContext, realm: string): void {
  const realms = sim.store.getSetting<string[]>("realms", []);
  if (realms.includes(realm)) return;
  sim.store.setSetting("realms", [...realms, realm]);
  const now = qboTime(sim.now());
  const meta = { CreateTime: now, LastUpdatedTime: now };
  const put = (entity: Entity, rec: Rec) => sim.store.put(col(realm, entity), String(rec.Id), { ...rec, SyncToken: "0", MetaData: meta, domain: "QBO", sparse: false });
  put("Account", { Id: "1", Name: "Sales of Product Income", AccountType: "Income", Active: true });
  put("Account", { Id: "2", Name: "Undeposited Funds", AccountType: "Other Current Asset", Active: true });
  put("Account", { Id: "3", Name: "Discounts given", AccountType: "Income", Active: true });
  put("Account", { Id: "4", Name: "Gift card liability", AccountType: "Other Current Liability", Active: true });
  put("TaxCode", { Id: "TAX", Name: "TAX", Taxable: true, Active: true });
  put("TaxCode", { Id: "NON", Name: "NON", Taxable: false, Active: true });
  // A Canadian company's combined code for British Columbia (GST 5% + PST 7%).
  put("TaxCode", { Id: "GSTPSTBC", Name: "GST/PST BC", Taxable: true, Active: true });
  put("Customer", { Id: "1", DisplayName: "Walk-in customer", Active: true, Balance: 0 });
  const item = (Id: string, Name: string, Type: string, account = "1") =>
    put("Item", { Id, Name, Type, Active: true, IncomeAccountRef: { value: account }, FullyQualifiedName: Name });
  item("1", "Sales", "Service");
  item("2", "Rounding adjustment", "Service");
  item("3", "Gift card", "Service", "4");
  item("4", "Tips", "Service");
  item("SHIPPING_ITEM_ID", "Shipping", "Service");
}

export function list(sim: SimContext, realm: string, entity: Entity): Rec[] {
  return sim.store.list<Rec>(col(realm, entity));
}

/** The entity's records with one of these DocNumbers (indexed: no scan of the company's other documents). */
export function withDocNumber(sim: SimContext, realm: string, entity: Entity, numbers: readonly string[]): Rec[] {
  return sim.store.matching<Rec>(col(realm, entity), "DocNumber", numbers);
}

export function read(sim: SimContext, realm: string, entity: Entity, id: string): Rec | null {
  return sim.store.get<Rec>(col(realm, entity), id);
}

const notFound = (entity: string, id: string): RuleError =>
  new RuleError([{ Message: "Object Not Found", Detail: `Object Not Found : Something you're trying to use has been made inactive or deleted: ${entity} Id=${id}`, code: "610", element: "" }]);

function refExists(sim: SimContext, realm: string, entity: Entity, ref: unknown): boolean {
  const id = ref && typeof ref === "object" ? (ref as Rec).value : undefined;
  if (id === undefined) return false;
  const rec = read(sim, realm, entity, String(id));
  return !!rec && rec.Active !== false;
}

function invalidRef(element: string, ref: unknown): QboError {
  const id = ref && typeof ref === "object" ? String((ref as Rec).value) : String(ref);
  return { Message: "Invalid Reference Id", Detail: `Invalid Reference Id : ${element} assigned is not valid: ${id}`, code: "2500", element };
}

/** Sum of Payment amounts applied to an invoice (Payment.Line[].LinkedTxn). */
function appliedTo(sim: SimContext, realm: string, invoiceId: string): Dec {
  let total: Dec = { int: 0n, scale: 0 };
  for (const p of list(sim, realm, "Payment")) {
    for (const l of (p.Line as Rec[] | undefined) ?? []) {
      const linked = ((l.LinkedTxn as Rec[] | undefined) ?? []).some((t) => String(t.TxnId) === invoiceId && t.TxnType === "Invoice");
      if (linked && l.Amount !== undefined) total = add(total, dec(l.Amount));
    }
  }
  return total;
}

/** The rules Intuit applies to sales documents beyond the schema. */
function checkSalesDocument(sim: SimContext, realm: string, entity: Entity, doc: Rec, places: number): void {
  const errors: QboError[] = [];
  const lines = (doc.Line as Rec[] | undefined) ?? [];
  if (lines.filter((l) => l.DetailType !== "SubTotalLineDetail").length === 0) {
    errors.push({ Message: "Required param missing, need to supply the required value for the API", Detail: "Required parameter Line is missing in the request", code: "2020", element: "Line" });
  }
  const needsCustomer = entity === "Invoice" || entity === "CreditMemo";
  if (doc.CustomerRef !== undefined && !refExists(sim, realm, "Customer", doc.CustomerRef)) errors.push(invalidRef("CustomerRef", doc.CustomerRef));
  if (needsCustomer && doc.CustomerRef === undefined) {
    errors.push({ Message: "A business validation error has occurred while processing your request", Detail: "Business Validation Error: Select a customer.", code: "6000", element: "CustomerRef" });
  }
  if (entity === "RefundReceipt" && doc.DepositToAccountRef === undefined) {
    errors.push({ Message: "A business validation error has occurred while processing your request", Detail: "Business Validation Error: Select an account in the Refund From field.", code: "6000", element: "DepositToAccountRef" });
  }
  if (doc.DepositToAccountRef !== undefined && !refExists(sim, realm, "Account", doc.DepositToAccountRef)) errors.push(invalidRef("DepositToAccountRef", doc.DepositToAccountRef));
  lines.forEach((l, i) => {
    const el = `Line[${i}]`;
    if (l.DetailType === "SalesItemLineDetail") {
      const d = (l.SalesItemLineDetail ?? {}) as Rec;
      if (d.ItemRef !== undefined && !refExists(sim, realm, "Item", d.ItemRef)) errors.push(invalidRef(`${el}.SalesItemLineDetail.ItemRef`, d.ItemRef));
      if (d.TaxCodeRef !== undefined && !refExists(sim, realm, "TaxCode", d.TaxCodeRef)) {
        errors.push({ Message: "Invalid Line TaxCode in the request", Detail: `Invalid Line TaxCode. Supplied value:${String((d.TaxCodeRef as Rec).value)}`, code: "6100", element: `${el}.SalesItemLineDetail.TaxCodeRef` });
      }
      if (l.Amount === undefined) {
        errors.push({ Message: "Required param missing, need to supply the required value for the API", Detail: "Required parameter Line.Amount is missing in the request", code: "2020", element: `${el}.Amount` });
      } else if (d.Qty !== undefined && d.UnitPrice !== undefined) {
        // 6070: Amount must equal UnitPrice × Qty (github.com/intuit/QuickBooks-V3-PHP-SDK/issues/445 shows the real fault).
        const expected = round(mul(dec(d.Qty), dec(d.UnitPrice)), places);
        if (!eq(expected, dec(l.Amount))) {
          errors.push({ Message: "Amount calculation incorrect in the request.", Detail: `Amount is not equal to UnitPrice * Qty. Supplied value:${String(l.Amount)}`, code: "6070", element: "Line.Amount" });
        }
      }
      if (l.Amount !== undefined && places < dec(l.Amount).scale) {
        errors.push({ Message: "A business validation error has occurred while processing your request", Detail: `Business Validation Error: ${String(l.Amount)} has more decimals than the currency allows (${places}).`, code: "6000", element: `${el}.Amount` });
      }
    } else if (l.DetailType === "DiscountLineDetail") {
      const d = (l.DiscountLineDetail ?? {}) as Rec;
      if (l.Amount === undefined && d.DiscountPercent === undefined) {
        errors.push({ Message: "Discount Line missing required info.", Detail: "Discount amount or percent should be provided.", code: "6090", element: el });
      }
      if (d.DiscountAccountRef !== undefined && !refExists(sim, realm, "Account", d.DiscountAccountRef)) errors.push(invalidRef(`${el}.DiscountLineDetail.DiscountAccountRef`, d.DiscountAccountRef));
    }
  });
  const tax = (doc.TxnTaxDetail as Rec | undefined)?.TotalTax;
  if (tax !== undefined && dec(tax).scale > places) {
    errors.push({ Message: "A business validation error has occurred while processing your request", Detail: `Business Validation Error: TotalTax ${String(tax)} has more decimals than the currency allows.`, code: "6000", element: "TxnTaxDetail.TotalTax" });
  }
  if (errors.length) throw new RuleError(errors);
}

function checkDuplicateDocNumber(sim: SimContext, realm: string, entity: Entity, doc: Rec): void {
  if (doc.DocNumber === undefined || doc.DocNumber === "" || entity === "Payment") return;
  const clash = withDocNumber(sim, realm, entity, [String(doc.DocNumber)]).find((r) => r.DocNumber === doc.DocNumber && r.Id !== doc.Id);
  if (clash) {
    // https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes (6140 Duplicate Doc Num)
    throw new RuleError([
      {
        Message: "Duplicate Document Number Error",
        Detail: `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${String(doc.DocNumber)} is assigned to TxnType=${entity} with TxnId=${String(clash.Id)}`,
        code: "6140",
        element: "DocNumber",
      },
    ]);
  }
}

function finishSalesDocument(sim: SimContext, realm: string, entity: Entity, doc: Rec, currency: string): Rec {
  const places = placesOf(currency);
  const items: Rec[] = [];
  let n = 0;
  for (const l of (doc.Line as Rec[] | undefined) ?? []) {
    if (l.DetailType === "SubTotalLineDetail") continue;
    n++;
    items.push({ Id: String(n), LineNum: n, ...l });
  }
  const totals = documentTotal({ ...doc, Line: items }, places);
  const out: Rec = {
    ...doc,
    Line: [...items, { Amount: toJson(round(totals.subtotal, places), places), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} }],
    TotalAmt: toJson(totals.total, places),
  };
  if (entity === "Invoice") {
    const balance = doc.Id ? sub(totals.total, appliedTo(sim, realm, String(doc.Id))) : totals.total;
    out.Balance = toJson(balance, places);
    out.DueDate ??= doc.TxnDate;
  } else if (entity === "CreditMemo") {
    out.Balance = out.TotalAmt;
    out.RemainingCredit = out.TotalAmt;
  } else {
    out.Balance = 0;
  }
  return out;
}

function checkItem(sim: SimContext, realm: string, doc: Rec): void {
  const errors: QboError[] = [];
  if (!doc.Name) errors.push({ Message: "Required param missing, need to supply the required value for the API", Detail: "Required parameter Name is missing in the request", code: "2020", element: "Name" });
  const dup = list(sim, realm, "Item").find((i) => String(i.Name).toLowerCase() === String(doc.Name).toLowerCase() && i.Id !== doc.Id);
  if (dup) errors.push({ Message: "Duplicate Name Exists Error", Detail: `The name supplied already exists. : Id=${String(dup.Id)}`, code: "6240", element: "Name" });
  const type = doc.Type ?? "Service";
  if ((type === "Service" || type === "NonInventory") && !doc.IncomeAccountRef) {
    errors.push({ Message: "A business validation error has occurred while processing your request", Detail: "Business Validation Error: Select an income account.", code: "6000", element: "IncomeAccountRef" });
  } else if (doc.IncomeAccountRef && !refExists(sim, realm, "Account", doc.IncomeAccountRef)) errors.push(invalidRef("IncomeAccountRef", doc.IncomeAccountRef));
  if (errors.length) throw new RuleError(errors);
}

function checkCustomer(sim: SimContext, realm: string, doc: Rec): void {
  const name = doc.DisplayName ?? [doc.GivenName, doc.FamilyName].filter(Boolean).join(" ");
  if (!name) {
    throw new RuleError([{ Message: "No Name Provided", Detail: "Title, GivenName, MiddleName, FamilyName, DisplayName, Suffix - one of these must be non-empty", code: "6080", element: "" }]);
  }
  const dup = list(sim, realm, "Customer").find((c) => String(c.DisplayName).toLowerCase() === String(name).toLowerCase() && c.Id !== doc.Id);
  if (dup) {
    throw new RuleError([{ Message: "Duplicate Name Exists Error", Detail: `The name supplied already exists. : Another customer is already using this name. Please use a different name. Id=${String(dup.Id)}`, code: "6240", element: "DisplayName" }]);
  }
  doc.DisplayName = name;
}

function applyPayment(sim: SimContext, realm: string, doc: Rec, currency: string): void {
  const places = placesOf(currency);
  if (doc.CustomerRef === undefined || !refExists(sim, realm, "Customer", doc.CustomerRef)) throw new RuleError([invalidRef("CustomerRef", doc.CustomerRef)]);
  if (doc.TotalAmt === undefined) {
    throw new RuleError([{ Message: "Required param missing, need to supply the required value for the API", Detail: "Required parameter TotalAmt is missing in the request", code: "2020", element: "TotalAmt" }]);
  }
  let applied: Dec = { int: 0n, scale: 0 };
  for (const l of (doc.Line as Rec[] | undefined) ?? []) {
    for (const t of (l.LinkedTxn as Rec[] | undefined) ?? []) {
      if (t.TxnType !== "Invoice") continue;
      const inv = read(sim, realm, "Invoice", String(t.TxnId));
      if (!inv) throw notFound("Invoice", String(t.TxnId));
      const balance = sub(dec(inv.TotalAmt), appliedTo(sim, realm, String(inv.Id)));
      if (dec(l.Amount).int > 0n && sub(balance, dec(l.Amount)).int < 0n) {
        throw new RuleError([{ Message: "A business validation error has occurred while processing your request", Detail: `Business Validation Error: The payment amount ${String(l.Amount)} exceeds the open balance ${text(balance, places)} of invoice ${String(inv.Id)}.`, code: "6000", element: "Line.Amount" }]);
      }
      applied = add(applied, dec(l.Amount));
    }
  }
  doc.UnappliedAmt = toJson(sub(dec(doc.TotalAmt), applied), places);
}

/** Re-derives an invoice's balance after a payment changed it, as QBO does (the invoice's SyncToken moves). */
function refreshInvoices(sim: SimContext, realm: string, payment: Rec, now: string): void {
  for (const l of (payment.Line as Rec[] | undefined) ?? []) {
    for (const t of (l.LinkedTxn as Rec[] | undefined) ?? []) {
      const inv = t.TxnType === "Invoice" ? read(sim, realm, "Invoice", String(t.TxnId)) : null;
      if (!inv) continue;
      const currency = String((inv.CurrencyRef as Rec | undefined)?.value ?? homeCurrency(sim));
      const places = placesOf(currency);
      inv.Balance = toJson(sub(dec(inv.TotalAmt), appliedTo(sim, realm, String(inv.Id))), places);
      inv.LinkedTxn = [...((inv.LinkedTxn as Rec[] | undefined) ?? []).filter((x) => x.TxnId !== payment.Id), { TxnId: payment.Id, TxnType: "Payment" }];
      inv.SyncToken = String(Number(inv.SyncToken) + 1);
      inv.MetaData = { ...(inv.MetaData as Rec), LastUpdatedTime: now };
      sim.store.put(col(realm, "Invoice"), String(inv.Id), inv);
    }
  }
}

function staleCheck(entity: Entity, current: Rec, body: Rec): void {
  if (body.SyncToken === undefined) {
    throw new RuleError([{ Message: "Required param missing, need to supply the required value for the API", Detail: "Required parameter SyncToken is missing in the request", code: "2020", element: "SyncToken" }]);
  }
  if (String(body.SyncToken) !== String(current.SyncToken)) {
    throw new RuleError([
      {
        Message: "Stale Object Error",
        Detail: `Stale Object Error : You and another user were working on the same ${entity} at the same time. The other user finished before you did, so your work was not saved.`,
        code: "5010",
        element: "",
      },
    ]);
  }
}

/** Create (no Id) or update (Id + SyncToken; sparse merges, full replaces) of one entity. */
export function write(sim: SimContext, realm: string, entity: Entity, body: Rec): Rec {
  const now = qboTime(sim.now());
  const current = body.Id !== undefined ? read(sim, realm, entity, String(body.Id)) : null;
  if (body.Id !== undefined && !current) throw notFound(entity, String(body.Id));
  if (current) staleCheck(entity, current, body);
  if (entity === "TaxCode") {
    throw new RuleError([{ Message: "Unsupported Operation", Detail: "Operation Create/Update is not supported for TaxCode.", code: "500", element: "" }]);
  }
  const merged: Rec = current ? (body.sparse === true ? { ...current, ...body } : { ...body }) : { ...body };
  delete merged.sparse;
  const id = current ? String(current.Id) : String(sim.store.next("qbo-id", 100));
  merged.Id = id;
  merged.SyncToken = current ? String(Number(current.SyncToken) + 1) : "0";
  merged.MetaData = { CreateTime: (current?.MetaData as Rec | undefined)?.CreateTime ?? now, LastUpdatedTime: now };
  merged.domain = "QBO";
  merged.sparse = false;
  let out = merged;
  if (entity === "Item") checkItem(sim, realm, merged);
  else if (entity === "Customer") checkCustomer(sim, realm, merged);
  else if (entity === "Account") merged.Active ??= true;
  else {
    const currency = String((merged.CurrencyRef as Rec | undefined)?.value ?? homeCurrency(sim));
    merged.CurrencyRef = { value: currency };
    merged.TxnDate ??= now.slice(0, 10);
    if (entity === "Payment") {
      applyPayment(sim, realm, merged, currency);
    } else {
      checkSalesDocument(sim, realm, entity, merged, placesOf(currency));
      checkDuplicateDocNumber(sim, realm, entity, merged);
      out = finishSalesDocument(sim, realm, entity, merged, currency);
    }
  }
  if (entity === "Item" || entity === "Customer") out.Active ??= true;
  if (entity === "Item") out.FullyQualifiedName = out.Name;
  sim.store.put(col(realm, entity), id, out);
  if (entity === "Payment") refreshInvoices(sim, realm, out, now);
  else if (!current && (entity === "SalesReceipt" || entity === "Invoice")) sim.bump(`sales_documents:${realm}`);
  return out;
}

/** `?operation=void`: amounts go to zero, the note says Voided, the number stays taken. */
export function voidTxn(sim: SimContext, realm: string, entity: Entity, body: Rec): Rec {
  const current = body.Id !== undefined ? read(sim, realm, entity, String(body.Id)) : null;
  if (!current) throw notFound(entity, String(body.Id));
  staleCheck(entity, current, body);
  const lines = ((current.Line as Rec[] | undefined) ?? []).map((l) => {
    const detail = l.SalesItemLineDetail as Rec | undefined;
    return { ...l, Amount: 0, ...(detail ? { SalesItemLineDetail: { ...detail, UnitPrice: 0, Qty: 0 } } : {}) };
  });
  const out: Rec = {
    ...current,
    Line: lines,
    TotalAmt: 0,
    Balance: 0,
    TxnTaxDetail: { ...((current.TxnTaxDetail as Rec | undefined) ?? {}), TotalTax: 0 },
    PrivateNote: `Voided - ${String(current.PrivateNote ?? "")}`.trim(),
    SyncToken: String(Number(current.SyncToken) + 1),
    MetaData: { ...(current.MetaData as Rec), LastUpdatedTime: qboTime(sim.now()) },
  };
  sim.store.put(col(realm, entity), String(current.Id), out);
  return out;
}

export function remove(sim: SimContext, realm: string, entity: Entity, body: Rec): Rec {
  const current = body.Id !== undefined ? read(sim, realm, entity, String(body.Id)) : null;
  if (!current) throw notFound(entity, String(body.Id));
  staleCheck(entity, current, body);
  sim.store.delete(col(realm, entity), String(current.Id));
  return { Id: current.Id, status: "Deleted", domain: "QBO" };
}
