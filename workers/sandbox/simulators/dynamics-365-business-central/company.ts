// One simulated Business Central company: seeded setup, sales documents with BC's field rules, arithmetic, ETags, posting.
import representation from "../../../../../shared/specs/microsoft-dynamics-bc/salesOrder.representation.json";
import type { SimContext } from "../../kit";

type Rec = Record<string, unknown>;

/** A BC error: HTTP status + {"error":{"code","message"}} (dynamic-error-codes page). */
export class BcError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export type DocKind = "salesOrders" | "salesInvoices" | "salesCreditMemos" | "salesShipments";
export const LINE_SET: Partial<Record<DocKind, string>> = { salesOrders: "salesOrderLines", salesInvoices: "salesInvoiceLines", salesCreditMemos: "salesCreditMemoLines" };

const LCY = (sim: SimContext) => String(sim.config().homeCurrency ?? "USD");
const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "JPY", "KWD", "INR", "AUD", "MXN", "CNY", "AED", "ETB"];
/** Amount Rounding Precision per currency (BC Currencies page); KWD keeps fils, JPY whole yen. */
function places(currency: string): number {
  return ({ JPY: 0, KWD: 3, BHD: 3, OMR: 3 } as Record<string, number>)[currency] ?? 2;
}
const TAX_GROUPS: Record<string, string> = { NONTAXABLE: "0", TAXABLE: "0.08", FURNITURE: "0.08", LABOR: "0" };
const GL_ACCOUNTS: Record<string, string> = {
  "40100": "Sales, Retail - Dom.",
  "40400": "Freight income",
  "40500": "Tips",
  "40910": "Discounts granted",
  "40920": "Invoice rounding",
  "40930": "Refund adjustments",
  "22300": "Sales tax payable",
  "22500": "Gift card liability",
};

// ------------------------------------------------------------------ exact decimals

const scaled = (n: number, p: number): bigint => {
  const s = String(n);
  if (/e/i.test(s)) throw new BcError(400, "BadRequest", `The value ${s} is not a valid decimal.`);
  const [i = "0", f = ""] = s.replace("-", "").split(".");
  const v = BigInt(i + f.padEnd(p, "0").slice(0, p)) + (f.length > p && Number(f[p]) >= 5 ? 1n : 0n);
  return s.startsWith("-") ? -v : v;
};
const text = (v: bigint, p: number): string => {
  const neg = v < 0n;
  const d = (neg ? -v : v).toString().padStart(p + 1, "0");
  return (neg ? "-" : "") + (p === 0 ? d : `${d.slice(0, -p)}.${d.slice(-p)}`);
};
/** round-half-away(qty × price) at `p` places, exactly. */
function extended(qty: number, price: number, p: number): bigint {
  const q = scaled(qty, 5);
  const pr = scaled(price, 5);
  const prod = q * pr; // scale 10
  const div = 10n ** BigInt(10 - p);
  const abs = prod < 0n ? -prod : prod;
  const r = abs / div + ((abs % div) * 2n >= div ? 1n : 0n);
  return prod < 0n ? -r : r;
}
function taxOf(amount: bigint, rate: string, p: number): bigint {
  const [i = "0", f = ""] = rate.split(".");
  const num = amount * BigInt(i + f);
  const den = 10n ** BigInt(f.length);
  const abs = num < 0n ? -num : num;
  const r = abs / den + ((abs % den) * 2n >= den ? 1n : 0n);
  return num < 0n ? -r : r;
}
const num = (v: bigint, p: number) => Number(text(v, p));

// ------------------------------------------------------------------ schema (vendor representation)

/** Header fields from ../shared/specs/microsoft-dynamics-bc/salesOrder.representation.json; values are type names. */
const ORDER_FIELDS = representation as Record<string, string>;
/** Read-only on the resource page (ids, numbers, names, totals, status, timestamps). */
const READ_ONLY = new Set(["id", "number", "customerName", "currencyId", "totalAmountExcludingTax", "totalTaxAmount", "totalAmountIncludingTax", "fullyShipped", "status", "lastModifiedDateTime", "pricesIncludeTax"]);
/** salesCreditMemo differs from salesOrder by its date and the invoice it corrects (dynamics_salescreditmemo resource). */
const CREDIT_FIELDS: Record<string, string> = (() => {
  const { orderDate: _o, postingDate: _p, partialShipping: _s, requestedDeliveryDate: _r, fullyShipped: _f, ...rest } = ORDER_FIELDS;
  return { ...rest, creditMemoDate: "date", dueDate: "date", invoiceId: "GUID", invoiceNumber: "string" };
})();
/** salesOrderLine properties (dynamics_salesorderline resource page). */
const LINE_FIELDS: Record<string, string> = {
  id: "GUID", documentId: "GUID", sequence: "integer", itemId: "GUID", accountId: "GUID", lineType: "NAV.salesLineType",
  lineObjectNumber: "string", description: "string", description2: "string", unitOfMeasureId: "GUID", unitOfMeasureCode: "string",
  quantity: "decimal", unitPrice: "decimal", discountAmount: "decimal", discountPercent: "decimal", discountAppliedBeforeTax: "boolean",
  amountExcludingTax: "decimal", taxCode: "string", taxPercent: "decimal", totalTaxAmount: "decimal", amountIncludingTax: "decimal",
  invoiceDiscountAllocation: "decimal", netAmount: "decimal", netTaxAmount: "decimal", netAmountIncludingTax: "decimal",
  shipmentDate: "date", shippedQuantity: "decimal", invoicedQuantity: "decimal", invoiceQuantity: "decimal", shipQuantity: "decimal",
  itemVariantId: "GUID", locationId: "GUID",
};
const LINE_READ_ONLY = new Set(["id", "documentId", "amountExcludingTax", "taxPercent", "totalTaxAmount", "amountIncludingTax", "invoiceDiscountAllocation", "netAmount", "netTaxAmount", "netAmountIncludingTax", "shippedQuantity", "invoicedQuantity", "discountAppliedBeforeTax"]);
const LINE_TYPES = ["Comment", "Account", "Item", "Resource", "Fixed Asset", "Charge"];
/** Code and Text lengths of the Sales Header / Sales Line fields behind the API. */
const MAX_LEN: Record<string, number> = { externalDocumentNumber: 35, customerNumber: 20, currencyCode: 10, lineObjectNumber: 20, description: 100, description2: 50, taxCode: 20, phoneNumber: 30, email: 80 };
const CODE_FIELDS = new Set(["externalDocumentNumber", "customerNumber", "currencyCode", "lineObjectNumber", "taxCode", "number"]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkType(entity: string, field: string, type: string, value: unknown): void {
  const bad = (what: string) => new BcError(400, "BadRequest", `Cannot convert the literal '${String(value)}' to the expected type '${what}' for property '${field}' of '${entity}'.`);
  if (value === null) return;
  switch (type) {
    case "GUID": if (typeof value !== "string" || !GUID.test(value)) throw bad("Edm.Guid"); break;
    case "date": if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw bad("Edm.Date"); break;
    case "datetime": if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw bad("Edm.DateTimeOffset"); break;
    case "boolean": if (typeof value !== "boolean") throw bad("Edm.Boolean"); break;
    case "decimal": if (typeof value !== "number" || !Number.isFinite(value)) throw bad("Edm.Decimal"); break;
    case "integer": if (typeof value !== "number" || !Number.isInteger(value)) throw bad("Edm.Int32"); break;
    default: if (typeof value !== "string") throw bad("Edm.String");
  }
  const max = MAX_LEN[field];
  if (max !== undefined && typeof value === "string" && value.length > max) {
    throw new BcError(400, "Application_StringExceededLength", `The length of the string is ${value.length}, but it must be less than or equal to ${max} characters. Value: ${value}`);
  }
}

/** Rejects properties the type does not define (OData) and writes to read-only controls (BadRequest_InvalidOperation). */
export function validateBody(entity: string, body: Rec, schema: Record<string, string>, readOnly: Set<string>, nav: string[] = []): void {
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith("@odata.")) continue;
    if (nav.includes(k)) continue;
    const type = schema[k];
    if (!type) throw new BcError(400, "BadRequest", `The property '${k}' does not exist on type 'Microsoft.NAV.${entity}'. Make sure to only use property names that are defined by the type.`);
    if (readOnly.has(k)) throw new BcError(400, "BadRequest_InvalidOperation", `Control '${k}' is read-only`);
    checkType(entity, k, type, v);
  }
}

// ------------------------------------------------------------------ store

const col = (company: string, set: string) => `bc:${company}:${set}`;

export function ensureCompany(sim: SimContext, company: string): void {
  const known = sim.store.getSetting<string[]>("bc-companies", []);
  if (known.includes(company)) return;
  sim.store.setSetting("bc-companies", [...known, company]);
  const put = (set: string, rec: Rec) => sim.store.put(col(company, set), String(rec.id), stamp(sim, rec));
  put("customers", { id: crypto.randomUUID(), number: "10000", displayName: "Walk-in customer", type: "Company", email: "" });
  put("items", { id: crypto.randomUUID(), number: "MISC", displayName: "Miscellaneous", type: "Non_x002D_Inventory", unitPrice: 0 });
}

export function companies(sim: SimContext): string[] {
  return sim.store.getSetting<string[]>("bc-companies", []);
}

function stamp(sim: SimContext, rec: Rec): Rec {
  const v = sim.store.next("bc-etag", 1000);
  const digits = `${v}${String(sim.now().getTime()).slice(-10)}`;
  return { "@odata.etag": `W/"${btoa(`'${digits.length};${digits};00;'`)}"`, ...Object.fromEntries(Object.entries(rec).filter(([k]) => k !== "@odata.etag")), lastModifiedDateTime: sim.now().toISOString() };
}

export function all(sim: SimContext, company: string, set: string): Rec[] {
  return sim.store.list<Rec>(col(company, set));
}

export function get(sim: SimContext, company: string, set: string, id: string): Rec | null {
  return sim.store.get<Rec>(col(company, set), id.toLowerCase());
}

function save(sim: SimContext, company: string, set: string, rec: Rec): Rec {
  const out = stamp(sim, rec);
  sim.store.put(col(company, set), String(rec.id), out);
  return out;
}

export function removeRec(sim: SimContext, company: string, set: string, id: string): void {
  sim.store.delete(col(company, set), id.toLowerCase());
}

// ------------------------------------------------------------------ master data

export function createCustomer(sim: SimContext, company: string, body: Rec): Rec {
  validateBody("customer", body, { displayName: "string", email: "string", type: "string", phoneNumber: "string", number: "string", currencyCode: "string" }, new Set());
  if (!body.displayName) throw new BcError(400, "BadRequest_RequiredParamNotProvided", "Field 'displayName' must not be blank or empty.");
  const number = String(body.number ?? `C${String(sim.store.next(`bc:${company}:custno`, 10010)).padStart(5, "0")}`).toUpperCase();
  return save(sim, company, "customers", { id: crypto.randomUUID(), number, displayName: body.displayName, type: body.type ?? "Person", email: body.email ?? "" });
}

export function createItem(sim: SimContext, company: string, body: Rec): Rec {
  validateBody("item", body, { number: "string", displayName: "string", type: "string", unitPrice: "decimal", baseUnitOfMeasureCode: "string" }, new Set());
  const number = String(body.number ?? "").toUpperCase();
  if (!number) throw new BcError(400, "BadRequest_RequiredParamNotProvided", "Field 'number' must not be blank or empty.");
  if (number.length > 20) throw new BcError(400, "Application_StringExceededLength", `The length of the string is ${number.length}, but it must be less than or equal to 20 characters. Value: ${number}`);
  if (body.type !== undefined && !["Inventory", "Service", "Non_x002D_Inventory"].includes(String(body.type))) {
    throw new BcError(400, "BadRequest", `The value '${String(body.type)}' is not valid for enum type 'Microsoft.NAV.itemType'.`);
  }
  if (all(sim, company, "items").some((i) => i.number === number)) {
    throw new BcError(409, "Internal_EntityWithSameKeyExists", `The Item already exists. Identification fields and values: No.='${number}'`);
  }
  return save(sim, company, "items", { id: crypto.randomUUID(), number, displayName: body.displayName ?? number, type: body.type ?? "Inventory", unitPrice: body.unitPrice ?? 0 });
}

// ------------------------------------------------------------------ documents

function currencyOf(sim: SimContext, code: unknown): string {
  const c = String(code ?? "").toUpperCase();
  if (c === "" || c === LCY(sim)) return LCY(sim);
  if (!CURRENCIES.includes(c)) {
    throw new BcError(400, "Internal_InvalidTableRelation", `The field Currency Code of table Sales Header contains a value (${c}) that cannot be found in the related table (Currency).`);
  }
  return c;
}

function customerOf(sim: SimContext, company: string, body: Rec): Rec {
  if (body.customerId === undefined && body.customerNumber === undefined) {
    throw new BcError(400, "Application_DialogException", "A customerNumber or a customerID must be provided.");
  }
  const c = all(sim, company, "customers").find((x) => (body.customerId !== undefined ? x.id === body.customerId : x.number === String(body.customerNumber).toUpperCase()));
  if (!c) throw new BcError(400, "Internal_RecordNotFound", `The Customer does not exist. Identification fields and values: No.='${String(body.customerNumber ?? body.customerId)}'`);
  return c;
}

/** Validates one line and computes its amounts as BC does (line amount rounded to the currency, tax per line). */
function buildLine(sim: SimContext, company: string, docId: string, body: Rec, sequence: number, currency: string, prior?: Rec): Rec {
  validateBody("salesOrderLine", body, LINE_FIELDS, LINE_READ_ONLY);
  const merged: Rec = { ...(prior ?? {}), ...body };
  const lineType = String(merged.lineType ?? (merged.itemId ? "Item" : merged.accountId ? "Account" : "Comment"));
  if (!LINE_TYPES.includes(lineType)) throw new BcError(400, "BadRequest", `The value '${lineType}' is not valid for enum type 'Microsoft.NAV.salesLineType'.`);
  let objectNumber = merged.lineObjectNumber === undefined ? "" : String(merged.lineObjectNumber).toUpperCase();
  if (lineType === "Item") {
    const item = all(sim, company, "items").find((i) => (merged.itemId ? i.id === merged.itemId : i.number === objectNumber));
    if (!item) throw new BcError(400, "Internal_RecordNotFound", `The Item does not exist. Identification fields and values: No.='${objectNumber || String(merged.itemId)}'`);
    objectNumber = String(item.number);
  } else if (lineType === "Account") {
    if (!GL_ACCOUNTS[objectNumber]) throw new BcError(400, "Internal_RecordNotFound", `The G/L Account does not exist. Identification fields and values: No.='${objectNumber}'`);
  }
  const taxCode = String(merged.taxCode ?? "NONTAXABLE").toUpperCase();
  const rate = TAX_GROUPS[taxCode];
  if (rate === undefined) throw new BcError(400, "Internal_InvalidTableRelation", `The field Tax Group Code of table Sales Line contains a value (${taxCode}) that cannot be found in the related table (Tax Group).`);
  const p = places(currency);
  const quantity = num(scaled(Number(merged.quantity ?? 0), 5), 5);
  const unitPrice = num(scaled(Number(merged.unitPrice ?? 0), 5), 5);
  const gross = lineType === "Comment" ? 0n : extended(quantity, unitPrice, p);
  const discount = scaled(Number(merged.discountAmount ?? 0), p);
  if ((gross >= 0n && discount > gross) || (gross < 0n && discount < gross)) {
    throw new BcError(400, "Application_FieldValidationException", `Line Discount Amount must not be greater than ${text(gross, p)} in Sales Line.`);
  }
  const net = gross - discount;
  const tax = taxOf(net, rate, p);
  return {
    id: prior?.id ?? crypto.randomUUID(),
    documentId: docId,
    sequence,
    itemId: lineType === "Item" ? (all(sim, company, "items").find((i) => i.number === objectNumber)?.id ?? null) : "00000000-0000-0000-0000-000000000000",
    accountId: "00000000-0000-0000-0000-000000000000",
    lineType,
    lineObjectNumber: objectNumber,
    description: merged.description ?? (lineType === "Account" ? GL_ACCOUNTS[objectNumber] : ""),
    unitOfMeasureCode: lineType === "Item" ? "PCS" : "",
    quantity,
    unitPrice,
    discountAmount: num(discount, p),
    discountPercent: gross === 0n ? 0 : Number(((Number(discount) / Number(gross)) * 100).toFixed(5)),
    discountAppliedBeforeTax: false,
    amountExcludingTax: num(net, p),
    taxCode,
    taxPercent: Number(rate) * 100,
    totalTaxAmount: num(tax, p),
    amountIncludingTax: num(net + tax, p),
    netAmount: num(net, p),
    netTaxAmount: num(tax, p),
    netAmountIncludingTax: num(net + tax, p),
    shipmentDate: merged.shipmentDate ?? null,
    shippedQuantity: 0,
    invoicedQuantity: 0,
  };
}

function totals(lines: Rec[], currency: string): Rec {
  const p = places(currency);
  const sumOf = (f: string) => lines.reduce((a, l) => a + scaled(Number(l[f] ?? 0), p), 0n);
  const ex = sumOf("amountExcludingTax");
  const tax = sumOf("totalTaxAmount");
  return { totalAmountExcludingTax: num(ex, p), totalTaxAmount: num(tax, p), totalAmountIncludingTax: num(ex + tax, p), discountAmount: 0 };
}

function linesOf(sim: SimContext, company: string, set: string, docId: string): Rec[] {
  return all(sim, company, set).filter((l) => l.documentId === docId).sort((a, b) => Number(a.sequence) - Number(b.sequence));
}

/** The document as the API returns it; `expand` adds its lines. */
export function view(sim: SimContext, company: string, kind: DocKind, doc: Rec, expand: boolean): Rec {
  const set = LINE_SET[kind];
  return expand && set ? { ...doc, [set]: linesOf(sim, company, set, String(doc.id)) } : doc;
}

function refreshTotals(sim: SimContext, company: string, kind: DocKind, doc: Rec): Rec {
  const set = LINE_SET[kind]!;
  return save(sim, company, kind, { ...doc, ...totals(linesOf(sim, company, set, String(doc.id)), String(doc.currencyCode)) });
}

const SERIES: Record<DocKind, [string, number]> = { salesOrders: ["S-ORD", 101001], salesInvoices: ["PS-INV", 103001], salesCreditMemos: ["S-CR", 104001], salesShipments: ["S-SHPT", 102001] };

export function createDocument(sim: SimContext, company: string, kind: "salesOrders" | "salesCreditMemos", body: Rec): Rec {
  const linesKey = LINE_SET[kind]!;
  validateBody(kind === "salesOrders" ? "salesOrder" : "salesCreditMemo", body, kind === "salesOrders" ? ORDER_FIELDS : CREDIT_FIELDS, READ_ONLY, [linesKey]);
  const customer = customerOf(sim, company, body);
  const currency = currencyOf(sim, body.currencyCode);
  const [prefix, start] = SERIES[kind];
  const id = crypto.randomUUID();
  const today = sim.now().toISOString().slice(0, 10);
  if (kind === "salesCreditMemos" && body.invoiceId !== undefined && body.invoiceId !== null && !get(sim, company, "salesInvoices", String(body.invoiceId))) {
    throw new BcError(400, "Internal_RecordNotFound", `The Sales Invoice Header does not exist. Identification fields and values: Id='${String(body.invoiceId)}'`);
  }
  const lines = (body[linesKey] as Rec[] | undefined) ?? [];
  if (!Array.isArray(lines)) throw new BcError(400, "BadRequest", `A collection is expected for navigation property '${linesKey}'.`);
  const built = lines.map((l, i) => buildLine(sim, company, id, l, (i + 1) * 10000, currency));
  const { [linesKey]: _lines, ...header } = body;
  const doc: Rec = {
    id,
    number: `${prefix}${sim.store.next(`bc:${company}:${kind}:no`, start)}`,
    ...header,
    externalDocumentNumber: String(header.externalDocumentNumber ?? "").toUpperCase(),
    ...(kind === "salesOrders" ? { orderDate: header.orderDate ?? today, postingDate: header.postingDate ?? today, fullyShipped: false, partialShipping: true } : { creditMemoDate: header.creditMemoDate ?? today, invoiceNumber: header.invoiceId ? String(get(sim, company, "salesInvoices", String(header.invoiceId))?.number ?? "") : "" }),
    customerId: customer.id,
    customerNumber: customer.number,
    customerName: customer.displayName,
    currencyCode: currency,
    pricesIncludeTax: false,
    status: "Draft",
  };
  save(sim, company, kind, doc);
  for (const l of built) save(sim, company, linesKey, l);
  return refreshTotals(sim, company, kind, doc);
}

export function updateDocument(sim: SimContext, company: string, kind: "salesOrders" | "salesCreditMemos", doc: Rec, body: Rec): Rec {
  validateBody(kind === "salesOrders" ? "salesOrder" : "salesCreditMemo", body, kind === "salesOrders" ? ORDER_FIELDS : CREDIT_FIELDS, READ_ONLY);
  const next: Rec = { ...doc, ...body };
  if (body.customerNumber !== undefined || body.customerId !== undefined) {
    const c = customerOf(sim, company, body);
    Object.assign(next, { customerId: c.id, customerNumber: c.number, customerName: c.displayName });
  }
  if (body.currencyCode !== undefined) {
    next.currencyCode = currencyOf(sim, body.currencyCode);
    if (next.currencyCode !== doc.currencyCode && linesOf(sim, company, LINE_SET[kind]!, String(doc.id)).length > 0) {
      throw new BcError(400, "Application_DialogException", "You cannot change Currency Code because there are one or more lines on the document.");
    }
  }
  if (body.externalDocumentNumber !== undefined) next.externalDocumentNumber = String(body.externalDocumentNumber).toUpperCase();
  return save(sim, company, kind, next);
}

export function addLine(sim: SimContext, company: string, kind: DocKind, doc: Rec, body: Rec): Rec {
  const set = LINE_SET[kind]!;
  const existing = linesOf(sim, company, set, String(doc.id));
  const sequence = body.sequence !== undefined ? Number(body.sequence) : (existing.length ? Number(existing.at(-1)!.sequence) : 0) + 10000;
  const line = save(sim, company, set, buildLine(sim, company, String(doc.id), body, sequence, String(doc.currencyCode)));
  refreshTotals(sim, company, kind, doc);
  return line;
}

export function updateLine(sim: SimContext, company: string, kind: DocKind, doc: Rec, line: Rec, body: Rec): Rec {
  const set = LINE_SET[kind]!;
  const next = save(sim, company, set, buildLine(sim, company, String(doc.id), body, Number(line.sequence), String(doc.currencyCode), line));
  refreshTotals(sim, company, kind, doc);
  return next;
}

export function deleteLine(sim: SimContext, company: string, kind: DocKind, doc: Rec, line: Rec): void {
  removeRec(sim, company, LINE_SET[kind]!, String(line.id));
  refreshTotals(sim, company, kind, doc);
}

export function deleteDocument(sim: SimContext, company: string, kind: DocKind, doc: Rec): void {
  const set = LINE_SET[kind];
  if (set) for (const l of linesOf(sim, company, set, String(doc.id))) removeRec(sim, company, set, String(l.id));
  removeRec(sim, company, kind, String(doc.id));
}

/**
 * Microsoft.NAV.shipAndInvoice: posts the shipment and the invoice; a fully invoiced order is deleted, as BC deletes it.
 * The posted invoice keeps the order's external document number and number (orderNumber).
 */
export function shipAndInvoice(sim: SimContext, company: string, order: Rec): { shipment: Rec; invoice: Rec } {
  const lines = linesOf(sim, company, "salesOrderLines", String(order.id));
  if (!lines.some((l) => l.lineType !== "Comment" && Number(l.quantity) !== 0)) throw new BcError(400, "Application_DialogException", "There is nothing to post.");
  const today = sim.now().toISOString().slice(0, 10);
  const common = { externalDocumentNumber: order.externalDocumentNumber, customerId: order.customerId, customerNumber: order.customerNumber, customerName: order.customerName, currencyCode: order.currencyCode, orderId: order.id, orderNumber: order.number };
  const shipment = save(sim, company, "salesShipments", {
    id: crypto.randomUUID(), number: `S-SHPT${sim.store.next(`bc:${company}:salesShipments:no`, 102001)}`, ...common, shipmentDate: today, postingDate: today,
    salesShipmentLines: lines.map((l) => ({ sequence: l.sequence, lineType: l.lineType, lineObjectNumber: l.lineObjectNumber, description: l.description, quantity: l.quantity })),
  });
  const invoiceId = crypto.randomUUID();
  const invoice = save(sim, company, "salesInvoices", {
    id: invoiceId, number: `PS-INV${sim.store.next(`bc:${company}:salesInvoices:no`, 103001)}`, ...common, invoiceDate: today, postingDate: today, dueDate: today,
    pricesIncludeTax: false, status: "Open", totalAmountExcludingTax: order.totalAmountExcludingTax, totalTaxAmount: order.totalTaxAmount, totalAmountIncludingTax: order.totalAmountIncludingTax, discountAmount: 0,
    remainingAmount: order.totalAmountIncludingTax,
  });
  for (const l of lines) save(sim, company, "salesInvoiceLines", { ...l, id: crypto.randomUUID(), documentId: invoiceId, shippedQuantity: l.quantity, invoicedQuantity: l.quantity });
  deleteDocument(sim, company, "salesOrders", order);
  return { shipment, invoice };
}

/**
 * salesInvoices({id})/Microsoft.NAV.cancel on a posted invoice (APIV2 - Sales Invoices, Cancel → codeunit 1303 "Correct
 * Posted Sales Invoice"): a corrective credit memo copying the invoice is created and posted — status Corrective,
 * applied to the invoice (invoiceId / invoiceNumber), same external document number — and the invoice turns Canceled
 * with nothing remaining. A second cancel is refused with the API page's AlreadyCanceledErr; an invoice that itself
 * corrects a credit memo (status Corrective) cannot be cancelled either (CancelCorrectiveDocErr).
 */
export function cancelInvoice(sim: SimContext, company: string, invoice: Rec): Rec {
  if (invoice.status === "Canceled") throw new BcError(400, "Application_DialogException", "The invoice cannot be canceled because it has already been canceled.");
  if (invoice.status === "Corrective") throw new BcError(400, "Application_DialogException", "You cannot cancel this posted sales invoice because it represents a correction of a credit memo.");
  const today = sim.now().toISOString().slice(0, 10);
  const memoId = crypto.randomUUID();
  const memo = save(sim, company, "salesCreditMemos", {
    id: memoId, number: `PS-CR${sim.store.next(`bc:${company}:postedCreditMemos:no`, 104001)}`,
    externalDocumentNumber: invoice.externalDocumentNumber, creditMemoDate: today, postingDate: today, dueDate: today,
    customerId: invoice.customerId, customerNumber: invoice.customerNumber, customerName: invoice.customerName, currencyCode: invoice.currencyCode,
    invoiceId: invoice.id, invoiceNumber: invoice.number, pricesIncludeTax: invoice.pricesIncludeTax, status: "Corrective",
    totalAmountExcludingTax: invoice.totalAmountExcludingTax, totalTaxAmount: invoice.totalTaxAmount, totalAmountIncludingTax: invoice.totalAmountIncludingTax, discountAmount: invoice.discountAmount ?? 0,
  });
  for (const l of linesOf(sim, company, "salesInvoiceLines", String(invoice.id))) save(sim, company, "salesCreditMemoLines", { ...l, id: crypto.randomUUID(), documentId: memoId });
  save(sim, company, "salesInvoices", { ...invoice, status: "Canceled", remainingAmount: 0 });
  return memo;
}

export { places, text as decimalText, scaled };
