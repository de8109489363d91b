// One simulated Salesforce org: sObject definitions, a transactional record store, and the Order / OrderItem / price book rules.
import type { SimContext } from "../../kit";

export type Rec = Record<string, unknown>;

/** A Salesforce error: HTTP status + `[{"message","errorCode","fields"}]`. */
export class SfError extends Error {
  constructor(readonly status: number, readonly errorCode: string, message: string, readonly fields: string[] = []) {
    super(message);
  }
  body(): Rec[] {
    return [{ message: this.message, errorCode: this.errorCode, fields: this.fields }];
  }
}

type FieldType = "id" | "string" | "textarea" | "boolean" | "double" | "currency" | "date" | "datetime" | "picklist" | "reference";
interface Field {
  type: FieldType;
  create?: boolean;
  update?: boolean;
  required?: boolean;
  externalId?: boolean;
  unique?: boolean;
  length?: number;
  reference?: string;
  picklist?: () => string[];
}

export interface OrgSettings {
  statuses: Array<{ value: string; category: "Draft" | "Activated" }>;
  orderTypes: string[];
  currencies: Record<string, number>;
  enableNegativeQuantity: boolean;
  quantityScale: number;
}

export function settings(sim: SimContext): OrgSettings {
  const cfg = sim.config();
  return {
    statuses: (cfg.orderStatuses as OrgSettings["statuses"] | undefined) ?? [
      { value: "Draft", category: "Draft" },
      { value: "Activated", category: "Activated" },
      { value: "Shipped", category: "Activated" },
      { value: "Cancelled", category: "Draft" },
    ],
    orderTypes: (cfg.orderTypes as string[] | undefined) ?? ["Sale", "Return"],
    currencies: (cfg.currencies as Record<string, number> | undefined) ?? { USD: 2, EUR: 2, GBP: 2, CAD: 2, JPY: 0, KWD: 3, INR: 2 },
    enableNegativeQuantity: cfg.enableNegativeQuantity !== false,
    quantityScale: Number(cfg.quantityScale ?? 2),
  };
}

/** Standard fields (object reference) plus the External ID fields an admin adds for OrderMesh. */
export function schema(sim: SimContext): Record<string, Record<string, Field>> {
  const s = settings(sim);
  const currency: Field = { type: "picklist", create: true, update: true, picklist: () => Object.keys(s.currencies) };
  const id: Field = { type: "id" };
  const ro = (type: FieldType, extra: Partial<Field> = {}): Field => ({ type, ...extra });
  return {
    Account: {
      Id: id, Name: { type: "string", create: true, update: true, required: true, length: 255 }, CurrencyIsoCode: currency,
      Type: { type: "picklist", create: true, update: true, picklist: () => ["Prospect", "Customer - Direct", "Customer - Channel", "New Customer", "Other"] },
      // The External ID field of the REST guide's upsert example (../shared/specs/salesforce/examples/upsert_account.request.json).
      customExtIdField__c: { type: "string", create: true, update: true, externalId: true, unique: true, length: 255 },
    },
    Product2: { Id: id, Name: { type: "string", create: true, update: true, required: true, length: 255 }, ProductCode: { type: "string", create: true, update: true, length: 255 }, IsActive: { type: "boolean", create: true, update: true }, Family: { type: "picklist", create: true, update: true, picklist: () => ["None"] }, Description: { type: "textarea", create: true, update: true } },
    Pricebook2: { Id: id, Name: { type: "string", create: true, update: true, required: true }, IsActive: { type: "boolean", create: true, update: true }, IsStandard: ro("boolean") },
    PricebookEntry: {
      Id: id, Pricebook2Id: { type: "reference", reference: "Pricebook2", create: true, required: true }, Product2Id: { type: "reference", reference: "Product2", create: true, required: true },
      UnitPrice: { type: "currency", create: true, update: true, required: true }, IsActive: { type: "boolean", create: true, update: true }, UseStandardPrice: { type: "boolean", create: true, update: true },
      CurrencyIsoCode: { ...currency, update: false }, Name: ro("string"), ProductCode: ro("string"),
    },
    Order: {
      Id: id, AccountId: { type: "reference", reference: "Account", create: true, update: true, required: true }, EffectiveDate: { type: "date", create: true, update: true, required: true },
      Status: { type: "picklist", create: true, update: true, required: true, picklist: () => s.statuses.map((x) => x.value) }, StatusCode: ro("picklist"),
      Pricebook2Id: { type: "reference", reference: "Pricebook2", create: true, update: true }, CurrencyIsoCode: currency, Description: { type: "textarea", create: true, update: true, length: 32000 },
      Name: { type: "string", create: true, update: true, length: 80 }, Type: { type: "picklist", create: true, update: true, picklist: () => s.orderTypes },
      OrderNumber: ro("string"), TotalAmount: ro("currency"), ActivatedDate: ro("datetime"), IsReductionOrder: { type: "boolean", create: true },
      OriginalOrderId: { type: "reference", reference: "Order", create: true }, CreatedDate: ro("datetime"), LastModifiedDate: ro("datetime"),
      External_Order_Id__c: { type: "string", create: true, update: true, externalId: true, unique: true, length: 255 },
    },
    OrderItem: {
      Id: id, OrderId: { type: "reference", reference: "Order", create: true, required: true }, PricebookEntryId: { type: "reference", reference: "PricebookEntry", create: true, required: true },
      Product2Id: ro("reference", { reference: "Product2" }), Quantity: { type: "double", create: true, update: true, required: true }, UnitPrice: { type: "currency", create: true, update: true, required: true },
      ListPrice: ro("currency"), TotalPrice: ro("currency"), Description: { type: "string", create: true, update: true, length: 255 }, OrderItemNumber: ro("string"),
      OriginalOrderItemId: { type: "reference", reference: "OrderItem", create: true }, AvailableQuantity: ro("double"),
      External_Line_Id__c: { type: "string", create: true, update: true, externalId: true, unique: true, length: 255 },
    },
  };
}

/** Three-character key prefixes of the standard objects (001 Account, 01t Product2, …). */
const PREFIX: Record<string, string> = { Account: "001", Product2: "01t", Pricebook2: "01s", PricebookEntry: "01u", Order: "801", OrderItem: "802" };

// ------------------------------------------------------------------ transactional store

/** Writes of one request or one composite graph; committed only when everything in it succeeded. */
export class Tx {
  private writes = new Map<string, Rec | null>();
  constructor(private readonly sim: SimContext) {}

  private key(type: string, id: string) {
    return `sf:${type}:${id}`;
  }
  get(type: string, id: string): Rec | null {
    const k = this.key(type, id);
    if (this.writes.has(k)) return this.writes.get(k) ?? null;
    return this.sim.store.get<Rec>(`sf:${type}`, id);
  }
  list(type: string): Rec[] {
    const base = this.sim.store.list<Rec>(`sf:${type}`).filter((r) => !this.writes.has(this.key(type, String(r.Id))));
    const added = [...this.writes.entries()].filter(([k, v]) => k.startsWith(`sf:${type}:`) && v).map(([, v]) => v!);
    return [...base, ...added];
  }
  put(type: string, rec: Rec): void {
    this.writes.set(this.key(type, String(rec.Id)), rec);
  }
  delete(type: string, id: string): void {
    this.writes.set(this.key(type, id), null);
  }
  newId(type: string): string {
    const n = this.sim.store.next(`sf:${type}:id`, 100);
    return `${PREFIX[type] ?? "a00"}${n.toString(36).toUpperCase().padStart(9, "0")}AAA`.slice(0, 15) + "AAA";
  }
  commit(): void {
    for (const [k, v] of this.writes) {
      const [, type, id] = k.split(":");
      if (v) this.sim.store.put(`sf:${type}`, id!, v);
      else this.sim.store.delete(`sf:${type}`, id!);
    }
    this.writes.clear();
  }
}

export function ensureOrg(sim: SimContext): void {
  if (sim.store.getSetting<boolean>("sf-seeded", false)) return;
  sim.store.setSetting("sf-seeded", true);
  const now = sim.now().toISOString();
  sim.store.put("sf:Account", "001000000000001AAA", { Id: "001000000000001AAA", Name: "Walk-in customer", CurrencyIsoCode: "USD", CreatedDate: now });
  sim.store.put("sf:Pricebook2", "01s000000000001AAA", { Id: "01s000000000001AAA", Name: "Standard Price Book", IsActive: true, IsStandard: true });
}

// ------------------------------------------------------------------ values and rules

function places(sim: SimContext, currency: unknown): number {
  return settings(sim).currencies[String(currency)] ?? 2;
}

function roundHalfUp(n: number, p: number): number {
  const s = Math.abs(n).toFixed(12);
  const [i = "0", f = ""] = s.split(".");
  const v = BigInt(i + f.slice(0, p).padEnd(p, "0")) + (Number(f[p] ?? "0") >= 5 ? 1n : 0n);
  const out = Number(v) / 10 ** p;
  return n < 0 ? -out : out;
}

function statusCategory(sim: SimContext, status: unknown): "Draft" | "Activated" {
  return settings(sim).statuses.find((s) => s.value === status)?.category ?? "Draft";
}

function checkValue(sim: SimContext, type: string, name: string, f: Field, v: unknown, tx: Tx): unknown {
  if (v === null) return null;
  const parser = (what: string) => new SfError(400, "JSON_PARSER_ERROR", `Cannot deserialize instance of ${what} from ${typeof v === "string" ? "VALUE_STRING" : "VALUE_NUMBER_INT"} value ${String(v)} or request may be missing a required field at [line:1, column:1]`);
  switch (f.type) {
    case "boolean": if (typeof v !== "boolean") throw parser("boolean"); return v;
    case "double": case "currency": if (typeof v !== "number" || !Number.isFinite(v)) throw parser("double"); return v;
    case "date": if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw parser("date"); return v;
    case "picklist": {
      if (typeof v !== "string") throw parser("string");
      if (!f.picklist!().includes(v)) throw new SfError(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", `${name}: bad value for restricted picklist field: ${v}`, [name]);
      return v;
    }
    case "reference": {
      if (typeof v !== "string") throw parser("string");
      if (!tx.get(f.reference!, v)) throw new SfError(400, "INVALID_CROSS_REFERENCE_KEY", `invalid cross reference id`, [name]);
      return v;
    }
    default: {
      if (typeof v !== "string") throw parser("string");
      if (f.length && v.length > f.length) throw new SfError(400, "STRING_TOO_LONG", `${name}: data value too large: ${v.slice(0, 40)}... (max length=${f.length})`, [name]);
      return v;
    }
  }
}

/** Field-level checks of a create or update body (existence, access, types, picklists, references). */
function clean(sim: SimContext, type: string, body: Rec, mode: "create" | "update", tx: Tx): Rec {
  const fields = schema(sim)[type];
  if (!fields) throw new SfError(404, "NOT_FOUND", `The requested resource does not exist`);
  const out: Rec = {};
  const denied: string[] = [];
  for (const [name, v] of Object.entries(body)) {
    if (name === "attributes") continue;
    const f = fields[name];
    if (!f) throw new SfError(400, "INVALID_FIELD", `No such column '${name}' on sobject of type ${type}`, [name]);
    if (mode === "create" ? !f.create : !f.update) {
      denied.push(name);
      continue;
    }
    out[name] = checkValue(sim, type, name, f, v, tx);
  }
  if (denied.length) {
    throw new SfError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${denied.join(", ")}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, denied);
  }
  return out;
}

function requireFields(sim: SimContext, type: string, rec: Rec): void {
  const missing = Object.entries(schema(sim)[type]!).filter(([n, f]) => f.required && (rec[n] === undefined || rec[n] === null || rec[n] === "")).map(([n]) => n);
  if (missing.length) throw new SfError(400, "REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.join(", ")}]`, missing);
}

function checkUnique(sim: SimContext, type: string, rec: Rec, tx: Tx): void {
  for (const [name, f] of Object.entries(schema(sim)[type]!)) {
    if (!f.unique || rec[name] === undefined || rec[name] === null) continue;
    const clash = tx.list(type).find((r) => r.Id !== rec.Id && String(r[name]).toLowerCase() === String(rec[name]).toLowerCase());
    if (clash) throw new SfError(400, "DUPLICATE_VALUE", `duplicate value found: ${name} duplicates value on record with id: ${String(clash.Id)}`, [name]);
  }
}

function itemsOf(tx: Tx, orderId: string): Rec[] {
  return tx.list("OrderItem").filter((i) => i.OrderId === orderId);
}

function recomputeOrder(sim: SimContext, tx: Tx, orderId: string): void {
  const order = tx.get("Order", orderId);
  if (!order) return;
  const p = places(sim, order.CurrencyIsoCode);
  const scaled = itemsOf(tx, orderId).reduce((a, i) => a + Math.round(Number(i.TotalPrice) * 10 ** p), 0);
  tx.put("Order", { ...order, TotalAmount: scaled / 10 ** p });
}

const integrity = (message: string, fields: string[] = []) => new SfError(400, "FIELD_INTEGRITY_EXCEPTION", message, fields);

/** The rules Salesforce applies beyond field checks (Order and OrderItem behaviour, price book entries). */
function rules(sim: SimContext, type: string, before: Rec | null, after: Rec, tx: Tx): Rec {
  const now = sim.now().toISOString();
  if (type === "Order") {
    const category = statusCategory(sim, after.Status);
    if (!before && category === "Activated") throw integrity("You can't create an activated order. Create it with a Draft status, then activate it.", ["Status"]);
    const items = before ? itemsOf(tx, String(before.Id)) : [];
    if (before && items.length > 0) {
      if (after.CurrencyIsoCode !== before.CurrencyIsoCode) throw integrity("You can't change the currency of an order that has order products.", ["CurrencyIsoCode"]);
      if (after.Pricebook2Id !== before.Pricebook2Id) throw integrity("You can't change the price book of an order that has order products.", ["Pricebook2Id"]);
    }
    if (category === "Activated" && (!before || before.StatusCode !== "Activated") && items.length === 0) throw integrity("You can't activate an order without order products.", ["Status"]);
    if (after.IsReductionOrder === true) throw integrity("Reduction orders aren't enabled for this org.", ["IsReductionOrder"]);
    return {
      TotalAmount: 0,
      OrderNumber: before?.OrderNumber ?? String(sim.store.next("sf:ordernumber", 100)).padStart(8, "0"),
      CreatedDate: before?.CreatedDate ?? now,
      ...after,
      CurrencyIsoCode: after.CurrencyIsoCode ?? "USD",
      StatusCode: category,
      ActivatedDate: category === "Activated" ? (before?.ActivatedDate ?? now) : null,
      LastModifiedDate: now,
    };
  }
  if (type === "OrderItem") {
    const order = tx.get("Order", String(after.OrderId));
    if (!order) throw new SfError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["OrderId"]);
    if (order.StatusCode === "Activated") throw integrity(before ? "You can't edit order products on an activated order." : "You can't add order products to an activated order.", ["OrderId"]);
    if (!order.Pricebook2Id) throw integrity("Price Book Not Set on Order", ["PricebookEntryId"]);
    const entry = tx.get("PricebookEntry", String(after.PricebookEntryId))!;
    if (entry.Pricebook2Id !== order.Pricebook2Id) throw integrity("field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the order)", ["PricebookEntryId"]);
    if (entry.CurrencyIsoCode !== order.CurrencyIsoCode) throw integrity("field integrity exception: PricebookEntryId (pricebook entry currency code does not match order currency code)", ["PricebookEntryId"]);
    if (entry.IsActive !== true) throw integrity("field integrity exception: PricebookEntryId (pricebook entry is inactive)", ["PricebookEntryId"]);
    const s = settings(sim);
    const qty = roundHalfUp(Number(after.Quantity), s.quantityScale);
    if (qty === 0) throw integrity("Quantity: value must be nonzero", ["Quantity"]);
    if (qty < 0 && !s.enableNegativeQuantity) throw integrity("Quantity: value must be positive (negative quantities are off in Order Settings)", ["Quantity"]);
    const p = places(sim, order.CurrencyIsoCode);
    const unit = roundHalfUp(Number(after.UnitPrice), p);
    return {
      OrderItemNumber: before?.OrderItemNumber ?? String(sim.store.next("sf:itemnumber", 1)).padStart(10, "0"),
      ...after,
      Quantity: qty,
      UnitPrice: unit,
      Product2Id: entry.Product2Id,
      ListPrice: entry.UnitPrice,
      // TotalPrice = Quantity × UnitPrice in the order's currency.
      TotalPrice: roundHalfUp(qty * unit, p),
      AvailableQuantity: qty,
    };
  }
  if (type === "PricebookEntry") {
    const pricebook = tx.get("Pricebook2", String(after.Pricebook2Id))!;
    const currency = String(after.CurrencyIsoCode ?? "USD");
    if (!before) {
      if (tx.list("PricebookEntry").some((e) => e.Product2Id === after.Product2Id && e.Pricebook2Id === after.Pricebook2Id && e.CurrencyIsoCode === currency)) {
        throw new SfError(400, "DUPLICATE_VALUE", "This price definition already exists in this price book", []);
      }
      if (pricebook.IsStandard !== true && !tx.list("PricebookEntry").some((e) => e.Product2Id === after.Product2Id && e.CurrencyIsoCode === currency && tx.get("Pricebook2", String(e.Pricebook2Id))?.IsStandard === true)) {
        throw new SfError(400, "STANDARD_PRICE_NOT_DEFINED", "No standard price defined for this product", []);
      }
    }
    const product = tx.get("Product2", String(after.Product2Id))!;
    return { IsActive: false, ...after, CurrencyIsoCode: currency, Name: product.Name, ProductCode: product.ProductCode ?? null };
  }
  return after;
}

// ------------------------------------------------------------------ operations

export function createRecord(sim: SimContext, tx: Tx, type: string, body: Rec): string {
  const values = clean(sim, type, body, "create", tx);
  const rec: Rec = { Id: tx.newId(type), ...values };
  requireFields(sim, type, rec);
  const final = rules(sim, type, null, rec, tx);
  checkUnique(sim, type, final, tx);
  tx.put(type, final);
  if (type === "OrderItem") recomputeOrder(sim, tx, String(final.OrderId));
  return String(final.Id);
}

export function updateRecord(sim: SimContext, tx: Tx, type: string, id: string, body: Rec): void {
  const before = tx.get(type, id);
  if (!before) throw new SfError(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + id);
  const values = clean(sim, type, body, "update", tx);
  const final = rules(sim, type, before, { ...before, ...values }, tx);
  checkUnique(sim, type, final, tx);
  tx.put(type, final);
  if (type === "OrderItem") recomputeOrder(sim, tx, String(final.OrderId));
}

export function deleteRecord(sim: SimContext, tx: Tx, type: string, id: string): void {
  const rec = tx.get(type, id);
  if (!rec) throw new SfError(404, "ENTITY_IS_DELETED", "entity is deleted", []);
  if (type === "OrderItem") {
    const order = tx.get("Order", String(rec.OrderId));
    if (order?.StatusCode === "Activated") throw integrity("You can't delete order products from an activated order.", ["OrderId"]);
  }
  if (type === "Order") {
    if (rec.StatusCode === "Activated") throw integrity("You can't delete an activated order.", []);
    for (const i of itemsOf(tx, id)) tx.delete("OrderItem", String(i.Id));
  }
  tx.delete(type, id);
  if (type === "OrderItem") recomputeOrder(sim, tx, String(rec.OrderId));
}

/** PATCH …/sobjects/<Type>/<ExternalIdField>/<value>: 201 created, 200 updated, 300 when several records match. */
export function upsertRecord(sim: SimContext, tx: Tx, type: string, field: string, value: string, body: Rec): { id: string; created: boolean } | { multiple: string[] } {
  const f = schema(sim)[type]?.[field];
  if (!f || !(f.externalId || field === "Id")) throw new SfError(404, "NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${field}`);
  if (field in body && String(body[field]) !== value) throw new SfError(400, "INVALID_FIELD", `The value of the external ID field ${field} in the body does not match the URL`, [field]);
  const matches = tx.list(type).filter((r) => String(r[field] ?? "").toLowerCase() === value.toLowerCase());
  if (matches.length > 1) return { multiple: matches.map((m) => String(m.Id)) };
  if (matches[0]) {
    updateRecord(sim, tx, type, String(matches[0].Id), body);
    return { id: String(matches[0].Id), created: false };
  }
  return { id: createRecord(sim, tx, type, { ...body, [field]: value }), created: true };
}

export { places };
