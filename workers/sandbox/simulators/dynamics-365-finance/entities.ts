// Simulated F&O legal entities: SalesOrderHeadersV2 / SalesOrderLines records validated against the CDM attribute list.
import attributes from "../../../../../shared/specs/microsoft-dynamics-fo/fo_sales_order_entities.attributes.json";
import type { SimContext } from "../../kit";

type Rec = Record<string, unknown>;

/** An F&O write failure, answered as the OData error F&O sends (innererror with the infolog text). */
export class FoError extends Error {
  constructor(readonly status: number, message: string, readonly type = "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException") {
    super(message);
  }
}

/** Attribute names from ../shared/specs/microsoft-dynamics-fo/fo_sales_order_entities.attributes.json, plus the inherited dataAreaId. */
export const HEADER_FIELDS = new Set(["dataAreaId", ...attributes.SalesOrderHeaderV2Entity.attributes]);
export const LINE_FIELDS = new Set(["dataAreaId", ...attributes.SalesOrderLineV2Entity.attributes]);
export const HEADER_SET = attributes.SalesOrderHeaderV2Entity.odataCollection;
export const HEADER_TYPE = attributes.SalesOrderHeaderV2Entity.odataEntity;
export const LINE_SET = "SalesOrderLines";

/** Computed by F&O (status from posting, totals from the lines); the entity does not let them be written. */
const HEADER_READ_ONLY = new Set(["SalesOrderStatus", "OrderTotalAmount", "OrderTotalChargesAmount", "OrderTotalDiscountAmount", "OrderTotalTaxAmount", "OrderHeaderTaxAmount", "AreTotalsCalculated", "SalesOrderProcessingStatus", "OrderCreationDateTime"]);
const LINE_READ_ONLY = new Set(["SalesOrderLineStatus", "InventoryLotId", "LineCreationSequenceNumber"]);
const NUMBER_FIELDS = new Set(["OrderedSalesQuantity", "SalesPrice", "LineAmount", "LineDiscountAmount", "LineDiscountPercentage", "CustomersLineNumber", "SalesPriceQuantity", "TotalDiscountPercentage", "FixedExchangeRate", "MultilineDiscountAmount", "MultilineDiscountPercentage"]);
const NOYES_FIELDS = new Set(["ArePricesIncludingSalesTax", "IsSalesProcessingStopped", "IsOneTimeCustomer", "IsLineStopped", "IsExportSale"]);
const DATETIME_FIELDS = new Set(["RequestedShippingDate", "RequestedReceiptDate", "ConfirmedShippingDate", "ConfirmedReceiptDate", "FixedDueDate"]);
/** String sizes of the table fields behind the entity (CustRef 60, PurchOrderFormNum 20, ItemFreeTxt 1000). */
const MAX_LEN: Record<string, number> = { CustomersOrderReference: 60, CustomerRequisitionNumber: 20, LineDescription: 1000, ItemNumber: 20, SalesOrderName: 100 };

const CUSTOMERS = ["US-001", "US-002", "US-003", "US-004", "US-027"];
const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "JPY", "KWD", "INR", "AUD", "MXN", "CNY", "DKK"];
const UNITS: Record<string, number> = { ea: 2, pcs: 0, kg: 3, g: 0, lb: 3 };
const SITES: Record<string, string[]> = { "1": ["11", "12", "13"], "2": ["21", "22"] };
const REASONS = ["RETURN", "DAMAGED", "PRICE"];
const SEEDED_ITEMS = ["OM-MISC", "OM-SHIP", "OM-DISC", "OM-TAX", "OM-TIP", "OM-ROUND", "OM-GIFTCARD", "OM-REFUND", "1000", "A0001", "T0001"];

export function placesOf(currency: string): number {
  return ({ JPY: 0, KWD: 3, BHD: 3, OMR: 3 } as Record<string, number>)[currency] ?? 2;
}

// ------------------------------------------------------------------ exact decimals

function scaledOf(n: number, p: number): bigint {
  const s = String(n);
  const neg = s.startsWith("-");
  const [i = "0", f = ""] = s.replace("-", "").split(".");
  const head = BigInt(i + f.padEnd(p, "0").slice(0, p));
  const v = head + (f.length > p && Number(f[p]) >= 5 ? 1n : 0n);
  return neg ? -v : v;
}
export function decimal(v: bigint, p: number): string {
  const neg = v < 0n;
  const d = (neg ? -v : v).toString().padStart(p + 1, "0");
  return (neg ? "-" : "") + (p === 0 ? d : `${d.slice(0, -p)}.${d.slice(-p)}`);
}
function product(qty: number, price: number, p: number): bigint {
  const prod = scaledOf(qty, 6) * scaledOf(price, 6);
  const div = 10n ** BigInt(12 - p);
  const abs = prod < 0n ? -prod : prod;
  const r = abs / div + ((abs % div) * 2n >= div ? 1n : 0n);
  return prod < 0n ? -r : r;
}

// ------------------------------------------------------------------ store

const col = (area: string, set: string) => `fo:${area}:${set}`;

export function companies(sim: SimContext): string[] {
  return sim.store.getSetting<string[]>("fo-companies", []);
}

function ensureCompany(sim: SimContext, area: string): string {
  const id = area.toLowerCase();
  if (!/^[a-z0-9]{1,4}$/.test(id)) throw new FoError(400, `Company '${area}' does not exist.`);
  const known = companies(sim);
  if (!known.includes(id)) {
    sim.store.setSetting("fo-companies", [...known, id]);
    for (const item of SEEDED_ITEMS) sim.store.put(col(id, "ReleasedProductsV2"), item, { dataAreaId: id, ItemNumber: item, ProductName: item, SalesUnitSymbol: "ea" });
  }
  return id;
}

export function list(sim: SimContext, area: string, set: string): Rec[] {
  return sim.store.list<Rec>(col(area, set));
}

export function find(sim: SimContext, area: string, set: string, id: string): Rec | null {
  return sim.store.get<Rec>(col(area.toLowerCase(), set), id);
}

function save(sim: SimContext, area: string, set: string, id: string, rec: Rec): Rec {
  const v = sim.store.next("fo-etag", 5637144576);
  const out = { "@odata.etag": `W/"${btoa(`'1,${v};0,0;0,0'`)}"`, ...Object.fromEntries(Object.entries(rec).filter(([k]) => k !== "@odata.etag")) };
  sim.store.put(col(area, set), id, out);
  return out;
}

export function addProduct(sim: SimContext, area: string, itemNumber: string, name: string): void {
  const id = ensureCompany(sim, area);
  sim.store.put(col(id, "ReleasedProductsV2"), itemNumber, { dataAreaId: id, ItemNumber: itemNumber, ProductName: name, SalesUnitSymbol: "ea" });
}

// ------------------------------------------------------------------ validation

function validate(entity: string, body: Rec, allowed: Set<string>, readOnly: Set<string>): void {
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith("@odata.")) continue;
    if (!allowed.has(k)) {
      throw new FoError(400, `The property '${k}' does not exist on type 'Microsoft.Dynamics.DataEntities.${entity}'. Make sure to only use property names that are defined by the type.`, "Microsoft.OData.ODataException");
    }
    if (readOnly.has(k)) throw new FoError(400, `Field '${k}' in data entity '${entity}' cannot be edited.`);
    if (v === null) continue;
    const bad = (t: string) => new FoError(400, `Cannot convert the literal '${String(v)}' to the expected type '${t}'.`, "Microsoft.OData.ODataException");
    if (NUMBER_FIELDS.has(k) && (typeof v !== "number" || !Number.isFinite(v))) throw bad("Edm.Decimal");
    if (NOYES_FIELDS.has(k) && v !== "Yes" && v !== "No") throw new FoError(400, `The value '${String(v)}' is not valid for enum type 'Microsoft.Dynamics.DataEntities.NoYes'.`, "Microsoft.OData.ODataException");
    if (DATETIME_FIELDS.has(k) && (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v))) throw bad("Edm.DateTimeOffset");
    if (!NUMBER_FIELDS.has(k) && typeof v === "number") throw bad("Edm.String");
    const max = MAX_LEN[k];
    if (max !== undefined && typeof v === "string" && v.length > max) throw new FoError(400, `Write failed for table row of type '${entity}'. Infolog: Error: The value in field '${k}' is longer than ${max} characters.`);
  }
}

const infolog = (entity: string, text: string) => new FoError(400, `Write failed for table row of type '${entity}Entity'. Infolog: Error: ${text}`);

// ------------------------------------------------------------------ headers

export function createHeader(sim: SimContext, body: Rec): Rec {
  validate(HEADER_TYPE, body, HEADER_FIELDS, HEADER_READ_ONLY);
  if (typeof body.dataAreaId !== "string") throw infolog(HEADER_TYPE, "Field 'dataAreaId' must be filled in.");
  const area = ensureCompany(sim, body.dataAreaId);
  const account = String(body.OrderingCustomerAccountNumber ?? "");
  if (!CUSTOMERS.includes(account)) throw infolog(HEADER_TYPE, `Customer account ${account || "(blank)"} does not exist.`);
  const currency = String(body.CurrencyCode ?? "USD");
  if (!CURRENCIES.includes(currency)) throw infolog(HEADER_TYPE, `Currency code ${currency} does not exist.`);
  const site = body.DefaultShippingSiteId as string | undefined;
  const wh = body.DefaultShippingWarehouseId as string | undefined;
  if (site !== undefined && !SITES[site]) throw infolog(HEADER_TYPE, `Site ${site} does not exist.`);
  if (wh !== undefined && !(SITES[site ?? "1"] ?? []).includes(wh)) throw infolog(HEADER_TYPE, `Warehouse ${wh} does not exist at site ${site ?? "1"}.`);
  if (body.CreditNoteReasonCode !== undefined && body.CreditNoteReasonCode !== null && !REASONS.includes(String(body.CreditNoteReasonCode))) {
    throw infolog(HEADER_TYPE, `Return reason code ${String(body.CreditNoteReasonCode)} does not exist.`);
  }
  const number = body.SalesOrderNumber !== undefined ? String(body.SalesOrderNumber) : String(sim.store.next(`fo:${area}:so`, 1001)).padStart(6, "0");
  if (find(sim, area, HEADER_SET, number)) throw infolog(HEADER_TYPE, `Sales order ${number} already exists.`);
  const rec: Rec = {
    InvoiceCustomerAccountNumber: account,
    ArePricesIncludingSalesTax: "No",
    IsSalesProcessingStopped: "No",
    ConfirmedShippingDate: null,
    ...body,
    dataAreaId: area,
    SalesOrderNumber: number,
    CurrencyCode: currency,
    SalesOrderStatus: "Backorder",
    SalesOrderProcessingStatus: "None",
    OrderCreationDateTime: sim.now().toISOString(),
    OrderTotalAmount: 0,
    OrderTotalTaxAmount: 0,
    OrderTotalDiscountAmount: 0,
    OrderTotalChargesAmount: 0,
    AreTotalsCalculated: "Yes",
  };
  return save(sim, area, HEADER_SET, number, rec);
}

export function updateHeader(sim: SimContext, header: Rec, body: Rec): Rec {
  validate(HEADER_TYPE, body, HEADER_FIELDS, HEADER_READ_ONLY);
  for (const key of ["dataAreaId", "SalesOrderNumber"]) {
    if (body[key] !== undefined && body[key] !== header[key]) throw new FoError(400, `Key property '${key}' cannot be changed.`, "Microsoft.OData.ODataException");
  }
  if (body.CurrencyCode !== undefined && body.CurrencyCode !== header.CurrencyCode && lines(sim, header).length > 0) {
    throw infolog(HEADER_TYPE, "The currency cannot be changed because the order has lines.");
  }
  return save(sim, String(header.dataAreaId), HEADER_SET, String(header.SalesOrderNumber), { ...header, ...body });
}

export function deleteHeader(sim: SimContext, header: Rec): void {
  if (header.SalesOrderStatus !== "Backorder") throw infolog(HEADER_TYPE, `Sales order ${String(header.SalesOrderNumber)} has been updated and cannot be deleted.`);
  for (const l of lines(sim, header)) sim.store.delete(col(String(header.dataAreaId), LINE_SET), String(l.InventoryLotId));
  sim.store.delete(col(String(header.dataAreaId), HEADER_SET), String(header.SalesOrderNumber));
}

// ------------------------------------------------------------------ lines

export function lines(sim: SimContext, header: Rec): Rec[] {
  return list(sim, String(header.dataAreaId), LINE_SET).filter((l) => l.SalesOrderNumber === header.SalesOrderNumber);
}

function stopped(header: Rec): void {
  if (header.IsSalesProcessingStopped === "Yes") throw infolog("SalesOrderLineV2", `Sales order ${String(header.SalesOrderNumber)} is stopped.`);
}

/** Quantity to the unit's decimal precision, line amount = round(quantity × (price − unit discount)) × (1 − discount %). */
function compute(header: Rec, rec: Rec): Rec {
  const unit = String(rec.SalesUnitSymbol ?? "ea");
  const decimals = UNITS[unit];
  if (decimals === undefined) throw infolog("SalesOrderLineV2", `Unit ${unit} does not exist.`);
  const qty = Number(decimal(scaledOf(Number(rec.OrderedSalesQuantity ?? 0), decimals), decimals));
  if (qty === 0) throw infolog("SalesOrderLineV2", "Quantity must be filled in.");
  const p = placesOf(String(header.CurrencyCode));
  const price = Number(rec.SalesPrice ?? 0);
  const unitDiscount = Number(rec.LineDiscountAmount ?? 0);
  const pct = Number(rec.LineDiscountPercentage ?? 0);
  let amount = product(qty, price - unitDiscount, p);
  if (pct !== 0) amount = product(Number(decimal(amount, p)), 1 - pct / 100, p);
  return { ...rec, OrderedSalesQuantity: qty, LineAmount: Number(decimal(amount, p)) };
}

function checkLine(sim: SimContext, header: Rec, rec: Rec): void {
  const area = String(header.dataAreaId);
  const item = String(rec.ItemNumber ?? "");
  if (!find(sim, area, "ReleasedProductsV2", item)) throw infolog("SalesOrderLineV2", `Item number ${item || "(blank)"} does not exist or is not released to company ${area}.`);
  const site = rec.ShippingSiteId as string | undefined;
  const wh = rec.ShippingWarehouseId as string | undefined;
  if (site !== undefined && !SITES[site]) throw infolog("SalesOrderLineV2", `Site ${site} does not exist.`);
  if (wh !== undefined && !(SITES[site ?? String(header.DefaultShippingSiteId ?? "1")] ?? []).includes(wh)) throw infolog("SalesOrderLineV2", `Warehouse ${wh} does not exist.`);
  if (rec.CreditNoteReasonCode !== undefined && rec.CreditNoteReasonCode !== null && !REASONS.includes(String(rec.CreditNoteReasonCode))) {
    throw infolog("SalesOrderLineV2", `Return reason code ${String(rec.CreditNoteReasonCode)} does not exist.`);
  }
  if (Number(rec.OrderedSalesQuantity) < 0 && !rec.CreditNoteReasonCode && !header.CreditNoteReasonCode) {
    throw infolog("SalesOrderLineV2", "A return reason code must be specified for lines with a negative quantity.");
  }
}

function refreshTotals(sim: SimContext, header: Rec): Rec {
  const p = placesOf(String(header.CurrencyCode));
  const total = lines(sim, header).reduce((a, l) => a + scaledOf(Number(l.LineAmount ?? 0), p), 0n);
  const fresh = find(sim, String(header.dataAreaId), HEADER_SET, String(header.SalesOrderNumber)) ?? header;
  return save(sim, String(header.dataAreaId), HEADER_SET, String(header.SalesOrderNumber), { ...fresh, OrderTotalAmount: Number(decimal(total, p)) });
}

export function createLine(sim: SimContext, body: Rec): Rec {
  validate("SalesOrderLineV2", body, LINE_FIELDS, LINE_READ_ONLY);
  const area = String(body.dataAreaId ?? "");
  const header = area ? find(sim, area, HEADER_SET, String(body.SalesOrderNumber ?? "")) : null;
  if (!header) throw infolog("SalesOrderLineV2", `Sales order ${String(body.SalesOrderNumber ?? "(blank)")} does not exist in company ${area || "(blank)"}.`);
  stopped(header);
  const rec = compute(header, { ...body, dataAreaId: header.dataAreaId, CurrencyCode: header.CurrencyCode });
  checkLine(sim, header, rec);
  const lot = String(sim.store.next(`fo:${String(header.dataAreaId)}:lot`, 12001)).padStart(6, "0");
  const seq = lines(sim, header).length + 1;
  const line = save(sim, String(header.dataAreaId), LINE_SET, lot, {
    SalesUnitSymbol: "ea",
    ShippingSiteId: header.DefaultShippingSiteId ?? "1",
    ShippingWarehouseId: header.DefaultShippingWarehouseId ?? "11",
    ...rec,
    InventoryLotId: lot,
    LineCreationSequenceNumber: seq,
    SalesOrderLineStatus: "Backorder",
  });
  refreshTotals(sim, header);
  return line;
}

export function updateLine(sim: SimContext, line: Rec, body: Rec): Rec {
  validate("SalesOrderLineV2", body, LINE_FIELDS, LINE_READ_ONLY);
  const header = find(sim, String(line.dataAreaId), HEADER_SET, String(line.SalesOrderNumber))!;
  stopped(header);
  for (const key of ["dataAreaId", "SalesOrderNumber"]) {
    if (body[key] !== undefined && body[key] !== line[key]) throw new FoError(400, `Key property '${key}' cannot be changed.`, "Microsoft.OData.ODataException");
  }
  const rec = compute(header, { ...line, ...body });
  checkLine(sim, header, rec);
  const out = save(sim, String(line.dataAreaId), LINE_SET, String(line.InventoryLotId), rec);
  refreshTotals(sim, header);
  return out;
}

export function deleteLine(sim: SimContext, line: Rec): void {
  const header = find(sim, String(line.dataAreaId), HEADER_SET, String(line.SalesOrderNumber))!;
  stopped(header);
  sim.store.delete(col(String(line.dataAreaId), LINE_SET), String(line.InventoryLotId));
  refreshTotals(sim, header);
}
