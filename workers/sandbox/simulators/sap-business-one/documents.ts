// SAP B1 simulator: company master data (items, business partners, tax codes) and marketing documents with B1's totals.
import type { SimContext } from "../../kit";
import { exponentOf, formatMinor, MoneyError, toMinor } from "../../../../shared/model/money";

export type Rec = Record<string, unknown>;
export const DOCUMENT_ENTITIES = ["Orders", "Invoices", "CreditNotes"] as const;
export type DocumentEntity = (typeof DOCUMENT_ENTITIES)[number];

/** ObjType of each document (B1 object codes: 17 sales order, 13 A/R invoice, 14 A/R credit memo). */
const OBJ_TYPE: Record<DocumentEntity, string> = { Orders: "17", Invoices: "13", CreditNotes: "14" };

/** A Service Layer error (v1): HTTP status, B1's numeric code and its message. */
export class B1Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const DOCUMENT_FIELDS = new Set([
  "CardCode", "DocDate", "DocDueDate", "TaxDate", "NumAtCard", "Comments", "DocCurrency", "DocRate", "DocumentLines", "Rounding",
  "RoundingDiffAmount", "BPL_IDAssignedToInvoice", "DocType", "Series", "SalesPersonCode", "DiscountPercent", "JournalMemo",
]);
const LINE_FIELDS = new Set([
  "LineNum", "ItemCode", "ItemDescription", "Quantity", "UnitPrice", "Price", "LineTotal", "TaxCode", "VatGroup", "TaxTotal", "WarehouseCode",
  "CostingCode", "CostingCode2", "CostingCode3", "CostingCode4", "CostingCode5", "ProjectCode", "DiscountPercent", "BaseType", "BaseEntry", "BaseLine",
]);
const ITEM_FIELDS = new Set(["ItemCode", "ItemName", "ItemType", "ForeignName", "ItemsGroupCode", "SalesItem", "InventoryItem", "PurchaseItem"]);
const PARTNER_FIELDS = new Set(["CardCode", "CardName", "CardType", "EmailAddress", "Phone1", "Currency", "GroupCode"]);

/** Property names the Service Layer does not know are refused: "Property 'X' of 'Document' is invalid" [UNVERIFIED code -1000]. */
function checkProperties(body: Rec, known: Set<string>, type: string): void {
  for (const k of Object.keys(body)) if (!known.has(k)) throw new B1Failure(400, -1000, `Property '${k}' of '${type}' is invalid`);
}

function text(body: Rec, field: string, max: number, type: string): void {
  const v = body[field];
  if (v === undefined || v === null) return;
  if (typeof v !== "string") throw new B1Failure(400, -1000, `Value of property '${field}' of '${type}' is invalid`);
  if (v.length > max) throw new B1Failure(400, -5002, `Value too long in property '${field}' of '${type}'`);
}

function date(body: Rec, field: string): void {
  const v = body[field];
  if (v === undefined) return;
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new B1Failure(400, -1000, `Value of property '${field}' of 'Document' is invalid`);
}

/** Numbers may come as JSON numbers or decimal strings (SAP's own sample sends "100", "30"). */
function decimal(v: unknown, field: string, type: string): string {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) return v.trim();
  throw new B1Failure(400, -1000, `Value of property '${field}' of '${type}' is invalid`);
}

function amount(v: unknown, field: string, currency: string): number {
  const d = decimal(v, field, "Document_Line");
  try {
    return toMinor(d, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new B1Failure(400, -5002, `'${field}' has more decimals than the currency ${currency} allows (${exponentOf(currency)})`);
    throw err;
  }
}

/** Tax codes of the simulated company (code → rate as a decimal fraction): EX, SAP's sample code PA, a general TAX code, plus /_config taxCodes. */
export function taxCodes(sim: SimContext): Record<string, string> {
  return { EX: "0", PA: "0.06", TAX: "0", ...((sim.config().taxCodes as Record<string, string> | undefined) ?? {}) };
}

const SEEDED_ITEMS = ["A00001", "A00002", "A00003", "A00004", "A00005", "A00006", "A00007", "A00008", "A00009", "A00010", "SHIPPING", "GIFTCARD", "TIP"];
const SEEDED_PARTNERS: Record<string, Rec> = { C20000: { CardCode: "C20000", CardName: "Norm Thompson", CardType: "cCustomer", EmailAddress: null } };

export function item(sim: SimContext, code: string): Rec | null {
  return sim.store.get<Rec>("Items", code) ?? (SEEDED_ITEMS.includes(code) ? { ItemCode: code, ItemName: code, ItemType: "itItems" } : null);
}

export function partner(sim: SimContext, code: string): Rec | null {
  return sim.store.get<Rec>("BusinessPartners", code) ?? SEEDED_PARTNERS[code] ?? null;
}

export function partners(sim: SimContext): Rec[] {
  const stored = sim.store.list<Rec>("BusinessPartners");
  return [...Object.values(SEEDED_PARTNERS).filter((p) => !stored.some((s) => s.CardCode === p.CardCode)), ...stored];
}

export function createItem(sim: SimContext, body: Rec): Rec {
  checkProperties(body, ITEM_FIELDS, "Item");
  const code = body.ItemCode;
  if (typeof code !== "string" || code === "" || code.length > 50) throw new B1Failure(400, -5002, "Invalid item code");
  if (item(sim, code)) throw new B1Failure(400, -2035, `This entry already exists in the following tables: Items (OITM)`);
  text(body, "ItemName", 100, "Item");
  const rec = { ItemType: "itItems", ...body };
  sim.store.put("Items", code, rec);
  return rec;
}

export function createPartner(sim: SimContext, body: Rec): Rec {
  checkProperties(body, PARTNER_FIELDS, "BusinessPartner");
  const code = body.CardCode;
  if (typeof code !== "string" || code === "" || code.length > 15) throw new B1Failure(400, -5002, "Invalid BP code");
  if (partner(sim, code)) throw new B1Failure(400, -2035, `This entry already exists in the following tables: Business Partners (OCRD)`);
  text(body, "CardName", 100, "BusinessPartner");
  // SAP's sample sends CardType "C"; the Service Layer's enum is BoCardTypes (cCustomer, cSupplier, cLid).
  const type = body.CardType === "C" || body.CardType === "cCustomer" ? "cCustomer" : body.CardType === "S" || body.CardType === "cSupplier" ? "cSupplier" : null;
  if (!type) throw new B1Failure(400, -1000, "Value of property 'CardType' of 'BusinessPartner' is invalid");
  const rec = { ...body, CardType: type };
  sim.store.put("BusinessPartners", code, rec);
  return rec;
}

/** Validates a document body (create: every required field; update: only what is sent). */
export function validateDocument(sim: SimContext, entity: DocumentEntity, body: Rec, creating: boolean): void {
  checkProperties(body, DOCUMENT_FIELDS, "Document");
  if (creating && typeof body.CardCode !== "string") throw new B1Failure(400, -5002, "Specify the business partner code (CardCode)");
  if (body.CardCode !== undefined && !partner(sim, String(body.CardCode))) throw new B1Failure(400, -5002, `Invalid BP code '${String(body.CardCode)}'`);
  if (creating && entity === "Orders" && body.DocDueDate === undefined) throw new B1Failure(400, -5002, "Enter the delivery date (DocDueDate)");
  for (const f of ["DocDate", "DocDueDate", "TaxDate"]) date(body, f);
  text(body, "NumAtCard", 100, "Document");
  text(body, "Comments", 254, "Document");
  if (body.DocCurrency !== undefined && (typeof body.DocCurrency !== "string" || !/^[A-Z]{3}$/.test(body.DocCurrency))) throw new B1Failure(400, -5002, `Invalid currency '${String(body.DocCurrency)}'`);
  if (body.Rounding !== undefined && body.Rounding !== "tYES" && body.Rounding !== "tNO") throw new B1Failure(400, -1000, "Value of property 'Rounding' of 'Document' is invalid");
  const currency = String(body.DocCurrency ?? "USD");
  if (body.RoundingDiffAmount !== undefined) amount(body.RoundingDiffAmount, "RoundingDiffAmount", currency);
  if (body.DocumentLines !== undefined) {
    if (!Array.isArray(body.DocumentLines) || (creating && body.DocumentLines.length === 0)) throw new B1Failure(400, -5002, "Document has no lines (DocumentLines)");
    const codes = taxCodes(sim);
    (body.DocumentLines as unknown[]).forEach((raw, i) => {
      if (typeof raw !== "object" || raw === null) throw new B1Failure(400, -1000, "Value of property 'DocumentLines' of 'Document' is invalid");
      const line = raw as Rec;
      checkProperties(line, LINE_FIELDS, "Document_Line");
      if (typeof line.ItemCode !== "string" || !item(sim, line.ItemCode)) throw new B1Failure(400, -5002, `Invalid item code '${String(line.ItemCode)}' [DocumentLines.ItemCode][line: ${i + 1}]`);
      text(line, "ItemDescription", 100, "Document_Line");
      const qty = decimal(line.Quantity ?? "1", "Quantity", "Document_Line");
      if (Number(qty) <= 0) throw new B1Failure(400, -5002, `Quantity must be positive [DocumentLines.Quantity][line: ${i + 1}]`);
      const code = line.TaxCode ?? line.VatGroup;
      if (code !== undefined && !(String(code) in codes)) throw new B1Failure(400, -5002, `Invalid tax code '${String(code)}' [DocumentLines.TaxCode][line: ${i + 1}]`);
      for (const f of ["LineTotal", "TaxTotal"]) if (line[f] !== undefined) amount(line[f], f, currency);
      for (const f of ["UnitPrice", "Price"]) if (line[f] !== undefined) decimal(line[f], f, "Document_Line");
    });
  }
}

/**
 * B1's arithmetic for the simulated company: LineTotal as sent (else Quantity × Price rounded to the currency); line
 * tax the TaxTotal sent (else LineTotal × the tax code's rate, rounded per line); DocTotal = Σ LineTotal + VatSum +
 * RoundingDiffAmount when Rounding is tYES.
 */
export function computeDocument(sim: SimContext, doc: Rec): Rec {
  const currency = String(doc.DocCurrency ?? "USD");
  const scale = 10 ** exponentOf(currency);
  const codes = taxCodes(sim);
  let net = 0;
  let tax = 0;
  const lines = ((doc.DocumentLines as Rec[] | undefined) ?? []).map((l, i) => {
    const qty = Number(decimal(l.Quantity ?? "1", "Quantity", "Document_Line"));
    const lineTotal = l.LineTotal !== undefined ? toMinor(decimal(l.LineTotal, "LineTotal", "Document_Line"), currency) : Math.round(qty * Number(l.Price ?? l.UnitPrice ?? 0) * scale);
    const rate = Number(codes[String(l.TaxCode ?? l.VatGroup ?? "EX")] ?? "0");
    const lineTax = l.TaxTotal !== undefined ? toMinor(decimal(l.TaxTotal, "TaxTotal", "Document_Line"), currency) : Math.round(lineTotal * rate);
    net += lineTotal;
    tax += lineTax;
    const price = qty === 0 ? 0 : Number((lineTotal / scale / qty).toFixed(6));
    return {
      ...l,
      LineNum: typeof l.LineNum === "number" ? l.LineNum : i,
      Quantity: qty,
      Price: price,
      UnitPrice: l.UnitPrice !== undefined ? Number(l.UnitPrice) : price,
      LineTotal: Number(formatMinor(lineTotal, currency)),
      TaxTotal: Number(formatMinor(lineTax, currency)),
      TaxCode: l.TaxCode ?? l.VatGroup ?? "EX",
      ItemDescription: l.ItemDescription ?? (item(sim, String(l.ItemCode))?.ItemName as string | undefined) ?? l.ItemCode,
    };
  });
  const rounding = doc.Rounding === "tYES" && doc.RoundingDiffAmount !== undefined ? toMinor(decimal(doc.RoundingDiffAmount, "RoundingDiffAmount", "Document"), currency) : 0;
  return {
    ...doc,
    DocCurrency: currency,
    DocumentLines: lines,
    VatSum: Number(formatMinor(tax, currency)),
    RoundingDiffAmount: Number(formatMinor(rounding, currency)),
    Rounding: doc.Rounding ?? "tNO",
    DocTotal: Number(formatMinor(net + tax + rounding, currency)),
  };
}

/** Creates a document the way the Service Layer answers it (201 with the whole document). */
export function createDocument(sim: SimContext, entity: DocumentEntity, body: Rec): Rec {
  validateDocument(sim, entity, body, true);
  const docEntry = sim.store.next(`DocEntry:${entity}`, 1);
  const now = sim.now();
  const doc = computeDocument(sim, {
    DocEntry: docEntry,
    DocNum: docEntry,
    DocType: "dDocument_Items",
    ObjType: OBJ_TYPE[entity],
    DocDueDate: body.DocDate ?? now.toISOString().slice(0, 10),
    TaxDate: body.DocDate ?? now.toISOString().slice(0, 10),
    NumAtCard: null,
    Comments: null,
    ...body,
    DocDate: body.DocDate ?? now.toISOString().slice(0, 10),
    CardName: partner(sim, String(body.CardCode))?.CardName ?? null,
    DocumentStatus: "bost_Open",
    Cancelled: "tNO",
    CreationDate: now.toISOString().slice(0, 10),
    UpdateDate: now.toISOString().slice(0, 10),
    UpdateTime: now.toISOString().slice(11, 19),
  });
  sim.store.put(entity, String(docEntry), doc);
  return doc;
}

/** PATCH: fields sent replace; DocumentLines merge by LineNum (or replace with B1S-ReplaceCollectionsOnPatch). */
export function updateDocument(sim: SimContext, entity: DocumentEntity, doc: Rec, body: Rec, replaceCollections: boolean): Rec {
  if (doc.Cancelled === "tYES" || doc.DocumentStatus === "bost_Close") throw new B1Failure(400, -5002, "Cannot update a closed or cancelled document");
  validateDocument(sim, entity, body, false);
  const next: Rec = { ...doc, ...body };
  if (Array.isArray(body.DocumentLines)) {
    const incoming = body.DocumentLines as Rec[];
    if (replaceCollections) {
      next.DocumentLines = incoming.map((l, i) => ({ ...l, LineNum: i }));
    } else {
      const lines = ((doc.DocumentLines as Rec[] | undefined) ?? []).map((l) => ({ ...l }));
      for (const l of incoming) {
        const at = typeof l.LineNum === "number" ? lines.findIndex((x) => x.LineNum === l.LineNum) : -1;
        if (at >= 0) lines[at] = { ...lines[at], ...l };
        else lines.push({ ...l, LineNum: lines.length });
      }
      next.DocumentLines = lines;
    }
  }
  const now = sim.now();
  const updated = computeDocument(sim, { ...next, UpdateDate: now.toISOString().slice(0, 10), UpdateTime: now.toISOString().slice(11, 19) });
  sim.store.put(entity, String(doc.DocEntry), updated);
  return updated;
}

/** Close / Cancel actions: an open document only; a cancelled document is also closed. */
export function documentAction(sim: SimContext, entity: DocumentEntity, doc: Rec, action: string): void {
  if (action !== "Close" && action !== "Cancel") throw new B1Failure(404, -1000, `Action '${action}' is not supported for ${entity}`);
  if (doc.Cancelled === "tYES") throw new B1Failure(400, -5002, "Document is already cancelled");
  if (doc.DocumentStatus === "bost_Close") throw new B1Failure(400, -5002, "Document is already closed");
  const now = sim.now();
  const updated = { ...doc, DocumentStatus: "bost_Close", ...(action === "Cancel" ? { Cancelled: "tYES" } : {}), UpdateDate: now.toISOString().slice(0, 10), UpdateTime: now.toISOString().slice(11, 19) };
  sim.store.put(entity, String(doc.DocEntry), updated);
}
