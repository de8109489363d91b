// S/4HANA simulator: sales orders and credit memo requests — numbering, manual pricing conditions, ETags, rejections.
import type { SimContext } from "../../kit";
import { exponentOf, formatMinor, toMinor } from "../../../../shared/model/money";
import { ODataFailure } from "./validate";

type Rec = Record<string, unknown>;

/** How one kind of document is named in its service (sales order vs credit memo request share everything else). */
export interface DocKind {
  service: "API_SALES_ORDER_SRV" | "API_CREDIT_MEMO_REQUEST_SRV";
  set: "A_SalesOrder" | "A_CreditMemoRequest";
  itemSet: "A_SalesOrderItem" | "A_CreditMemoRequestItem";
  key: "SalesOrder" | "CreditMemoRequest";
  itemKey: "SalesOrderItem" | "CreditMemoRequestItem";
  typeKey: "SalesOrderType" | "CreditMemoRequestType";
  type: string;
  itemType: string;
  /** Number range of the simulated system (sales orders from 1, credit memo requests from 60000000). */
  firstNumber: number;
}

export const SALES_ORDER: DocKind = {
  service: "API_SALES_ORDER_SRV", set: "A_SalesOrder", itemSet: "A_SalesOrderItem", key: "SalesOrder", itemKey: "SalesOrderItem", typeKey: "SalesOrderType",
  type: "API_SALES_ORDER_SRV.A_SalesOrderType", itemType: "API_SALES_ORDER_SRV.A_SalesOrderItemType", firstNumber: 1,
};
export const CREDIT_MEMO: DocKind = {
  service: "API_CREDIT_MEMO_REQUEST_SRV", set: "A_CreditMemoRequest", itemSet: "A_CreditMemoRequestItem", key: "CreditMemoRequest", itemKey: "CreditMemoRequestItem", typeKey: "CreditMemoRequestType",
  type: "API_CREDIT_MEMO_REQUEST_SRV.A_CreditMemoRequestType", itemType: "API_CREDIT_MEMO_REQUEST_SRV.A_CreditMemoRequestItemType", firstNumber: 60000000,
};

/** Master data of the simulated system (SAP's demo sales area 1710/10/00, customer 17100001, materials TG11 …). */
function masterData(sim: SimContext) {
  const cfg = sim.config();
  return {
    customers: new Set(["17100001", "17100002", "17100003", ...((cfg.customers as string[] | undefined) ?? [])]),
    materials: new Set(["TG10", "TG11", "TG12", "TG13", "TG14", "TG15", "SHIPPING", "TIP", "GIFTCARD", "ROUNDING", ...((cfg.materials as string[] | undefined) ?? [])]),
    salesAreas: new Set(["1710/10/00", "1710/20/00", "1010/10/00", ...((cfg.salesAreas as string[] | undefined) ?? [])]),
    orderTypes: new Set(["OR", "TA", "CR", "G2", "RE"]),
    /** Manually enterable condition types and how they compute: price per quantity, fixed amounts. */
    conditions: { PPR0: "price", RB00: "discount", HB00: "discount", TTX1: "tax", ...((cfg.conditionTypes as Record<string, string> | undefined) ?? {}) } as Record<string, string>,
  };
}

function business(code: string, message: string, target = ""): ODataFailure {
  return new ODataFailure(400, code, message, target);
}

function items(value: unknown): Rec[] {
  return Array.isArray(value) ? (value as Rec[]) : ((value as Rec | undefined)?.results as Rec[] | undefined) ?? [];
}

/** Edm.DateTimeOffset as V2 JSON and as the weak ETag SAP derives from it (`W/"datetimeoffset'2005-10-24T15%3A36%3A52.0000000Z'"`). */
export function etagOf(ms: number): string {
  const iso = new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
  return `W/"datetimeoffset'${iso.replace(/:/g, "%3A")}'"`;
}

function nextChange(sim: SimContext): number {
  const last = sim.store.getSetting<number>("lastChange", 0);
  const now = Math.max(sim.now().getTime(), last + 1);
  sim.store.setSetting("lastChange", now);
  return now;
}

/** Half-up rounding of a non-negative-or-negative decimal product to `places`. */
function roundProduct(qty: string, rate: string, per: string, places: number): number {
  const parse = (s: string) => {
    const [i = "0", f = ""] = s.replace(/^\+/, "").split(".");
    const neg = i.startsWith("-");
    return { int: BigInt((neg ? i.slice(1) : i) + f) * (neg ? -1n : 1n), scale: f.length };
  };
  const q = parse(qty);
  const r = parse(rate);
  const p = parse(per);
  // value = q × r / p, in units of 10^-places, rounded half away from zero.
  const num = q.int * r.int * 10n ** BigInt(places + p.scale);
  const den = p.int * 10n ** BigInt(q.scale + r.scale);
  if (den === 0n) return 0;
  const neg = num < 0n !== den < 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  const out = (a * 2n + b) / (2n * b);
  return Number(neg ? -out : out);
}

/**
 * Prices an item from its manual conditions: PPR0 (price per ConditionQuantity units) × RequestedQuantity rounded
 * to the currency, plus fixed-amount discounts (RB00/HB00) — the item's NetAmount; fixed-amount tax conditions
 * (TTX1) are summed beside it. An item without a price condition has a pricing error, as in S/4.
 */
function priceItem(sim: SimContext, kind: DocKind, item: Rec, currency: string, at: string): { item: Rec; net: number; tax: number } {
  const md = masterData(sim);
  const places = exponentOf(currency);
  const qty = String(item.RequestedQuantity ?? "1");
  let price: number | null = null;
  let discounts = 0;
  let tax = 0;
  const elements = items(item.to_PricingElement).map((e, i) => {
    const type = String(e.ConditionType ?? "");
    const role = md.conditions[type];
    if (!role) throw business("V1/801", `Condition type ${type} is not allowed as manual entry`, `${at}to_PricingElement(${i + 1})/ConditionType`);
    const rate = String(e.ConditionRateValue ?? "0");
    const amount = role === "price" ? roundProduct(qty, rate, String(e.ConditionQuantity ?? "1"), places) : roundProduct("1", rate, "1", places);
    if (role === "price") price = (price ?? 0) + amount;
    else if (role === "tax") tax += amount;
    else discounts += amount;
    return {
      ...e,
      [kind.key]: item[kind.key],
      [kind.itemKey]: item[kind.itemKey],
      PricingProcedureStep: String((i + 1) * 10).padStart(3, "0"),
      PricingProcedureCounter: "001",
      ConditionCurrency: e.ConditionCurrency ?? currency,
      ConditionAmount: formatMinor(amount, currency),
      TransactionCurrency: currency,
    };
  });
  if (price === null) throw business("V1/802", `Pricing error: mandatory condition PPR0 is missing in item ${String(item[kind.itemKey])}`, `${at}to_PricingElement`);
  const net = (price as number) + discounts;
  return { item: { ...item, to_PricingElement: elements, NetAmount: formatMinor(net, currency), TransactionCurrency: currency }, net, tax };
}

function totals(doc: Rec, currency: string): { net: number; tax: number } {
  let net = 0;
  let tax = 0;
  for (const it of items(doc.to_Item)) {
    if (it.SalesDocumentRjcnReason) continue;
    net += toMinor(String(it.NetAmount ?? "0"), currency);
    tax += Number(it.__taxMinor ?? 0);
  }
  return { net, tax };
}

/** Recomputes header values S/4 derives: net value, statuses, change stamp. */
function finish(sim: SimContext, doc: Rec): Rec {
  const currency = String(doc.TransactionCurrency ?? "USD");
  const t = totals(doc, currency);
  const all = items(doc.to_Item);
  const rejected = all.filter((i) => i.SalesDocumentRjcnReason).length;
  const changed = nextChange(sim);
  return {
    ...doc,
    TotalNetAmount: formatMinor(t.net, currency),
    OverallSDDocumentRejectionSts: rejected === 0 ? "A" : rejected === all.length ? "C" : "B",
    OverallSDProcessStatus: rejected === all.length ? "C" : "A",
    LastChangeDate: `/Date(${Date.UTC(new Date(changed).getUTCFullYear(), new Date(changed).getUTCMonth(), new Date(changed).getUTCDate())})/`,
    LastChangeDateTime: `/Date(${changed}+0000)/`,
    __etag: etagOf(changed),
    __taxTotal: formatMinor(t.tax, currency),
  };
}

/** Creates a document from a validated deep-insert payload: numbering, sales area and master data checks, pricing. */
export function createDoc(sim: SimContext, kind: DocKind, body: Rec): Rec {
  const md = masterData(sim);
  for (const f of [kind.typeKey, "SalesOrganization", "DistributionChannel", "OrganizationDivision", "SoldToParty"]) {
    if (typeof body[f] !== "string" || body[f] === "") throw business("V1/384", `Enter a value for ${f}`, f);
  }
  if (!md.orderTypes.has(String(body[kind.typeKey]))) throw business("V1/212", `Sales document type ${String(body[kind.typeKey])} is not defined`, kind.typeKey);
  const area = `${String(body.SalesOrganization)}/${String(body.DistributionChannel)}/${String(body.OrganizationDivision)}`;
  if (!md.salesAreas.has(area)) throw business("V1/313", `Sales area ${area} is not defined`, "SalesOrganization");
  if (!md.customers.has(String(body.SoldToParty))) throw business("V1/302", `Customer ${String(body.SoldToParty)} has not been created for sales area ${area}`, "SoldToParty");
  if (kind === CREDIT_MEMO && !body.SDDocumentReason) throw business("V1/384", "Enter an order reason (SDDocumentReason) for a credit memo request", "SDDocumentReason");
  const currency = String(body.TransactionCurrency ?? "USD");
  const raw = items(body.to_Item);
  if (raw.length === 0) throw business("V1/261", "Enter at least one item", "to_Item");
  const number = body[kind.key] ? String(body[kind.key]) : String(sim.store.next(`number:${kind.set}`, kind.firstNumber));
  if (sim.store.get(kind.set, number)) throw business("V1/005", `Document ${number} already exists`, kind.key);
  const seen = new Set<string>();
  const priced = raw.map((it, i) => {
    const at = `to_Item(${i + 1})/`;
    const itemNo = String(it[kind.itemKey] ?? (i + 1) * 10);
    if (!/^\d{1,6}$/.test(itemNo) || seen.has(itemNo)) throw business("V1/318", `Item number ${itemNo} is invalid or used twice`, `${at}${kind.itemKey}`);
    seen.add(itemNo);
    if (typeof it.Material !== "string" || !md.materials.has(it.Material)) throw business("V1/392", `Material ${String(it.Material)} is not defined for sales org.${String(body.SalesOrganization)}`, `${at}Material`);
    const qty = String(it.RequestedQuantity ?? "");
    if (!/^\d+(\.\d+)?$/.test(qty) || Number(qty) <= 0) throw business("V1/321", `Enter a positive requested quantity in item ${itemNo}`, `${at}RequestedQuantity`);
    const p = priceItem(sim, kind, { ...it, [kind.key]: number, [kind.itemKey]: itemNo }, currency, at);
    return { ...p.item, __taxMinor: p.tax };
  });
  const created = nextChange(sim);
  const doc = finish(sim, {
    ...body,
    [kind.key]: number,
    TransactionCurrency: currency,
    CreationDate: `/Date(${Date.UTC(new Date(created).getUTCFullYear(), new Date(created).getUTCMonth(), new Date(created).getUTCDate())})/`,
    to_Item: priced,
  });
  sim.store.put(kind.set, number, doc);
  return doc;
}

export function updateHeader(sim: SimContext, kind: DocKind, doc: Rec, body: Rec): Rec {
  const next = finish(sim, { ...doc, ...body });
  sim.store.put(kind.set, String(doc[kind.key]), next);
  return next;
}

export function updateItem(sim: SimContext, kind: DocKind, doc: Rec, itemNo: string, body: Rec): Rec | null {
  const all = items(doc.to_Item);
  const at = all.findIndex((i) => String(i[kind.itemKey]) === itemNo);
  if (at < 0) return null;
  const updated = all.map((it, i) => (i === at ? { ...it, ...body } : it));
  const next = finish(sim, { ...doc, to_Item: updated });
  sim.store.put(kind.set, String(doc[kind.key]), next);
  return next;
}

/** Someone changed the document in S/4 (a new change stamp, so older ETags are stale). */
export function touch(sim: SimContext, kind: DocKind, doc: Rec): Rec {
  return updateHeader(sim, kind, doc, {});
}

export function grossTotal(doc: Rec): { total: string; currency: string } {
  const currency = String(doc.TransactionCurrency ?? "USD");
  return { total: formatMinor(toMinor(String(doc.TotalNetAmount ?? "0"), currency) + toMinor(String(doc.__taxTotal ?? "0"), currency), currency), currency };
}
