// A small Odoo ORM per database: field definitions by version, domains, create/write/read/search, and the sale/stock/account flows.
import type { SimContext } from "../../kit";
import type { Value } from "./xmlrpc";

type Rec = Record<string, Value>;

/** A Python exception as Odoo raises it; `name` is the qualified class name the APIs report. */
export class OdooException extends Error {
  constructor(readonly pyName: string, message: string) {
    super(message);
  }
}
const userError = (m: string) => new OdooException("odoo.exceptions.UserError", m);
const validationError = (m: string) => new OdooException("odoo.exceptions.ValidationError", m);
const missingError = (m: string) => new OdooException("odoo.exceptions.MissingError", m);
const valueError = (m: string) => new OdooException("builtins.ValueError", m);

export interface Database {
  name: string;
  /** Major version: 19+ serves JSON-2 and names sale.order.line fields tax_ids / product_uom_id. */
  version: number;
  login: string;
  apiKey: string;
  uid: number;
  /** Decimal Accuracy "Product Price" and "Product Unit of Measure" (Odoo's defaults are 2 and 2). */
  priceDigits: number;
  quantityDigits: number;
}

// ------------------------------------------------------------------ fields

type FieldType = "char" | "text" | "integer" | "float" | "boolean" | "many2one" | "one2many" | "many2many" | "selection" | "datetime" | "date" | "monetary";
interface Field {
  type: FieldType;
  relation?: string;
  inverse?: string;
  required?: boolean;
  /** Computed and stored by the ORM: writes are ignored as Odoo ignores them on readonly computed fields. */
  computed?: boolean;
  digits?: "price" | "quantity";
  selection?: string[];
}

function fieldsOf(db: Database): Record<string, Record<string, Field>> {
  const v19 = db.version >= 19;
  return {
    "res.partner": { name: { type: "char", required: true }, email: { type: "char" }, is_company: { type: "boolean" }, active: { type: "boolean" }, ref: { type: "char" } },
    "res.users": { login: { type: "char" }, name: { type: "char" } },
    "res.currency": { name: { type: "char", required: true }, symbol: { type: "char" }, rounding: { type: "float" }, decimal_places: { type: "integer", computed: true }, active: { type: "boolean" } },
    "product.pricelist": { name: { type: "char", required: true }, currency_id: { type: "many2one", relation: "res.currency", required: true }, active: { type: "boolean" } },
    "uom.uom": { name: { type: "char", required: true }, category_id: { type: "integer" }, active: { type: "boolean" } },
    "decimal.precision": { name: { type: "char", required: true }, digits: { type: "integer" } },
    "account.tax": { name: { type: "char" }, amount: { type: "float" }, type_tax_use: { type: "selection", selection: ["sale", "purchase", "none"] }, active: { type: "boolean" } },
    "product.product": {
      name: { type: "char", required: true }, default_code: { type: "char" }, list_price: { type: "float" }, sale_ok: { type: "boolean" }, active: { type: "boolean" },
      type: { type: "selection", selection: db.version >= 18 ? ["consu", "service", "combo"] : ["consu", "service", "product"] },
      uom_id: { type: "many2one", relation: "uom.uom" },
    },
    "sale.order": {
      name: { type: "char", computed: true }, partner_id: { type: "many2one", relation: "res.partner", required: true }, client_order_ref: { type: "char" }, origin: { type: "char" },
      date_order: { type: "datetime" }, pricelist_id: { type: "many2one", relation: "product.pricelist" }, currency_id: { type: "many2one", relation: "res.currency", computed: true },
      state: { type: "selection", selection: ["draft", "sent", "sale", "cancel"], computed: true }, note: { type: "text" },
      order_line: { type: "one2many", relation: "sale.order.line", inverse: "order_id" },
      amount_untaxed: { type: "monetary", computed: true }, amount_tax: { type: "monetary", computed: true }, amount_total: { type: "monetary", computed: true },
      picking_ids: { type: "one2many", relation: "stock.picking", inverse: "sale_id", computed: true },
      delivery_status: { type: "selection", selection: ["pending", "started", "partial", "full"], computed: true },
    },
    "sale.order.line": {
      order_id: { type: "many2one", relation: "sale.order", required: true }, sequence: { type: "integer" }, product_id: { type: "many2one", relation: "product.product" },
      name: { type: "text" }, product_uom_qty: { type: "float", digits: "quantity" }, price_unit: { type: "float", digits: "price" }, discount: { type: "float" },
      display_type: { type: "selection", selection: ["line_section", "line_note"] },
      [v19 ? "tax_ids" : "tax_id"]: { type: "many2many", relation: "account.tax" },
      [v19 ? "product_uom_id" : "product_uom"]: { type: "many2one", relation: "uom.uom" },
      price_subtotal: { type: "monetary", computed: true }, price_total: { type: "monetary", computed: true }, qty_delivered: { type: "float", computed: true },
    },
    "stock.picking": { name: { type: "char", computed: true }, origin: { type: "char" }, sale_id: { type: "many2one", relation: "sale.order" }, state: { type: "selection", selection: ["draft", "waiting", "confirmed", "assigned", "done", "cancel"], computed: true }, date_done: { type: "datetime", computed: true } },
    "account.move": {
      name: { type: "char", computed: true }, move_type: { type: "selection", selection: ["entry", "out_invoice", "out_refund", "in_invoice", "in_refund"], required: true },
      partner_id: { type: "many2one", relation: "res.partner" }, ref: { type: "char" }, invoice_origin: { type: "char" }, invoice_date: { type: "date" },
      currency_id: { type: "many2one", relation: "res.currency" }, state: { type: "selection", selection: ["draft", "posted", "cancel"], computed: true },
      invoice_line_ids: { type: "one2many", relation: "account.move.line", inverse: "move_id" },
      amount_untaxed: { type: "monetary", computed: true }, amount_tax: { type: "monetary", computed: true }, amount_total: { type: "monetary", computed: true },
    },
    "account.move.line": {
      move_id: { type: "many2one", relation: "account.move", required: true }, product_id: { type: "many2one", relation: "product.product" }, name: { type: "char" },
      quantity: { type: "float", digits: "quantity" }, price_unit: { type: "float", digits: "price" }, discount: { type: "float" },
      tax_ids: { type: "many2many", relation: "account.tax" }, product_uom_id: { type: "many2one", relation: "uom.uom" }, price_subtotal: { type: "monetary", computed: true },
    },
  };
}

const LINE_TAXES = (db: Database) => (db.version >= 19 ? "tax_ids" : "tax_id");
const LINE_UOM = (db: Database) => (db.version >= 19 ? "product_uom_id" : "product_uom");

// ------------------------------------------------------------------ store

const col = (db: Database, model: string) => `odoo:${db.name}:${model}`;

export function records(sim: SimContext, db: Database, model: string): Rec[] {
  return sim.store.list<Rec>(col(db, model));
}
function get(sim: SimContext, db: Database, model: string, id: number): Rec | null {
  return sim.store.get<Rec>(col(db, model), String(id));
}
function put(sim: SimContext, db: Database, model: string, rec: Rec): Rec {
  sim.store.put(col(db, model), String(rec.id), rec);
  return rec;
}
function newId(sim: SimContext, db: Database, model: string, start = 1): number {
  return sim.store.next(`odoo:${db.name}:${model}:id`, start);
}

/** Seeds a fresh database: currencies (USD active), units, the walk-in partner, a USD pricelist, a 15% tax, precisions. */
export function ensureSeeded(sim: SimContext, db: Database): void {
  const key = `odoo-seeded:${db.name}`;
  if (sim.store.getSetting<boolean>(key, false)) return;
  sim.store.setSetting(key, true);
  const seed = (model: string, rec: Rec) => {
    const id = Number(rec.id);
    put(sim, db, model, rec);
    // Keep sequences ahead of seeded ids.
    while (newId(sim, db, model) < id);
  };
  const currencies: Array<[number, string, number, boolean]> = [[1, "EUR", 0.01, false], [2, "USD", 0.01, true], [3, "GBP", 0.01, false], [25, "JPY", 1, false], [30, "KWD", 0.001, false], [20, "INR", 0.01, false], [4, "CAD", 0.01, false]];
  for (const [id, name, rounding, active] of currencies) seed("res.currency", { id, name, symbol: name, rounding, decimal_places: Math.max(0, Math.round(-Math.log10(rounding))), active });
  for (const [id, name, cat] of [[1, "Units", 1], [12, "kg", 2], [13, "g", 2], [14, "lb", 2]] as Array<[number, string, number]>) seed("uom.uom", { id, name, category_id: cat, active: true });
  seed("res.partner", { id: 3, name: "Mitchell Admin", email: "admin@yourcompany.example.com", is_company: false, active: true, ref: false });
  seed("res.partner", { id: 7, name: "Walk-in customer", email: false, is_company: false, active: true, ref: "WALKIN" });
  // Odoo's demo company the JSON-2 documentation searches for (../shared/specs/odoo/json2_search_read.*.json).
  seed("res.partner", { id: 25, name: "Deco Addict", email: "deco_addict@example.com", is_company: true, active: true, ref: false });
  seed("res.users", { id: db.uid, login: db.login, name: "Mitchell Admin" });
  seed("product.pricelist", { id: 1, name: "Default USD pricelist", currency_id: 2, active: true });
  seed("account.tax", { id: 1, name: "15%", amount: 15, type_tax_use: "sale", active: true });
  seed("decimal.precision", { id: 1, name: "Product Price", digits: db.priceDigits });
  seed("decimal.precision", { id: 2, name: "Product Unit of Measure", digits: db.quantityDigits });
}

// ------------------------------------------------------------------ exact arithmetic

function scaled(n: number, p: number): bigint {
  const neg = n < 0;
  const s = Math.abs(n).toFixed(12);
  const [i = "0", f = ""] = s.split(".");
  const head = BigInt(i + f.slice(0, p).padEnd(p, "0"));
  const v = head + (Number(f[p] ?? "0") >= 5 ? 1n : 0n);
  return neg ? -v : v;
}
/** float_round(value, precision_digits, HALF-UP). */
function roundTo(n: number, p: number): number {
  const v = scaled(n, p);
  return Number(v) / 10 ** p;
}
function mulRound(a: number, ap: number, b: number, bp: number, p: number): bigint {
  const prod = scaled(a, ap) * scaled(b, bp);
  const shift = ap + bp - p;
  if (shift <= 0) return prod * 10n ** BigInt(-shift);
  const div = 10n ** BigInt(shift);
  const abs = prod < 0n ? -prod : prod;
  const r = abs / div + ((abs % div) * 2n >= div ? 1n : 0n);
  return prod < 0n ? -r : r;
}

function currencyPlaces(sim: SimContext, db: Database, currencyId: number): number {
  const c = get(sim, db, "res.currency", currencyId);
  return c ? Number(c.decimal_places) : 2;
}

// ------------------------------------------------------------------ values

function digitsOf(db: Database, f: Field): number | undefined {
  return f.digits === "price" ? db.priceDigits : f.digits === "quantity" ? db.quantityDigits : undefined;
}

/** Converts one written value, applying x2many commands; returns the stored value (or undefined for o2m, handled apart). */
function convert(sim: SimContext, db: Database, model: string, name: string, f: Field, v: Value): Value {
  const wrong = () => valueError(`Wrong value for ${model}.${name}: ${JSON.stringify(v)}`);
  switch (f.type) {
    case "char": case "text": if (v === false || v === null) return false; if (typeof v !== "string") throw wrong(); return v;
    case "integer": if (v === false || v === null) return 0; if (typeof v !== "number") throw wrong(); return Math.trunc(v);
    case "float": case "monetary": {
      if (v === false || v === null) return 0;
      if (typeof v !== "number") throw wrong();
      const d = digitsOf(db, f);
      return d === undefined ? v : roundTo(v, d);
    }
    case "boolean": return !!v;
    case "selection": if (v === false || v === null) return false; if (typeof v !== "string" || !f.selection?.includes(v)) throw wrong(); return v;
    case "datetime": if (v === false || v === null) return false; if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(v)) throw valueError(`time data '${String(v)}' does not match format '%Y-%m-%d %H:%M:%S'`); return v;
    case "date": if (v === false || v === null) return false; if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw valueError(`time data '${String(v)}' does not match format '%Y-%m-%d'`); return v;
    case "many2one": {
      if (v === false || v === null) return false;
      if (typeof v !== "number") throw wrong();
      if (!get(sim, db, f.relation!, v)) throw missingError(`Record does not exist or has been deleted.\n(Record: ${f.relation}(${v},), User: ${db.uid})`);
      return v;
    }
    case "many2many": {
      if (!Array.isArray(v)) throw wrong();
      let ids: number[] = [];
      for (const cmd of v) {
        if (!Array.isArray(cmd)) throw wrong();
        if (cmd[0] === 6) ids = (cmd[2] as number[]).slice();
        else if (cmd[0] === 4) ids.push(Number(cmd[1]));
        else if (cmd[0] === 5) ids = [];
        else throw wrong();
      }
      for (const id of ids) if (!get(sim, db, f.relation!, id)) throw missingError(`Record does not exist or has been deleted.\n(Record: ${f.relation}(${id},), User: ${db.uid})`);
      return ids;
    }
    default: throw wrong();
  }
}

function splitVals(sim: SimContext, db: Database, model: string, vals: Value): { plain: Rec; x2many: Array<[string, Value[]]> } {
  if (!vals || typeof vals !== "object" || Array.isArray(vals)) throw valueError(`${model}: values must be a dictionary`);
  const fields = fieldsOf(db)[model]!;
  const plain: Rec = {};
  const x2many: Array<[string, Value[]]> = [];
  for (const [name, v] of Object.entries(vals)) {
    const f = fields[name];
    if (!f) throw valueError(`Invalid field '${name}' on model '${model}'`);
    if (f.computed) continue;
    if (f.type === "one2many") {
      if (!Array.isArray(v)) throw valueError(`Wrong value for ${model}.${name}: ${JSON.stringify(v)}`);
      x2many.push([name, v]);
    } else plain[name] = convert(sim, db, model, name, f, v);
  }
  return { plain, x2many };
}

// ------------------------------------------------------------------ model methods

function displayName(rec: Rec | null): string {
  return rec ? String(rec.name ?? rec.login ?? rec.id) : "";
}

/** Values as `read` answers them: many2one [id, name] or false, x2many id lists, empty strings as false. */
export function readRecord(sim: SimContext, db: Database, model: string, rec: Rec, fields?: string[]): Rec {
  const defs = fieldsOf(db)[model]!;
  const names = fields && fields.length ? fields : Object.keys(defs);
  const out: Rec = { id: rec.id! };
  for (const name of names) {
    const f = defs[name];
    if (!f) throw valueError(`Invalid field '${name}' on model '${model}'`);
    const v = rec[name];
    if (f.type === "many2one") out[name] = typeof v === "number" && v ? [v, displayName(get(sim, db, f.relation!, v))] : false;
    else if (f.type === "one2many") out[name] = records(sim, db, f.relation!).filter((r) => r[f.inverse!] === rec.id).map((r) => r.id!);
    else if (f.type === "many2many") out[name] = Array.isArray(v) ? v : [];
    else if ((f.type === "char" || f.type === "text") && (v === "" || v === undefined)) out[name] = false;
    else out[name] = v ?? (f.type === "float" || f.type === "monetary" || f.type === "integer" ? 0 : false);
  }
  return out;
}

function fieldValue(sim: SimContext, db: Database, model: string, rec: Rec, path: string): Value {
  const [head, ...rest] = path.split(".");
  const f = fieldsOf(db)[model]![head!];
  if (!f && head !== "id") throw valueError(`Invalid field ${model}.${head} in leaf ${JSON.stringify(path)}`);
  const v = head === "id" ? rec.id! : f!.type === "one2many" ? readRecord(sim, db, model, rec, [head!])[head!]! : (rec[head!] ?? false);
  if (rest.length === 0) return v;
  const target = typeof v === "number" && v ? get(sim, db, f!.relation!, v) : null;
  return target ? fieldValue(sim, db, f!.relation!, target, rest.join(".")) : false;
}

function leaf(sim: SimContext, db: Database, model: string, rec: Rec, term: Value[]): boolean {
  const [path, op, want] = term as [string, string, Value];
  const have = fieldValue(sim, db, model, rec, path);
  const str = (x: Value) => (typeof x === "string" ? x.toLowerCase() : String(x));
  switch (op) {
    case "=": return have === want || (want === false && (have === false || have === "" || have === null));
    case "!=": return !(have === want || (want === false && (have === false || have === null)));
    case "in": return Array.isArray(want) && want.some((w) => w === have);
    case "not in": return Array.isArray(want) && !want.some((w) => w === have);
    case "=ilike": return typeof have === "string" && str(have) === str(want);
    case "ilike": return typeof have === "string" && str(have).includes(str(want).replace(/%/g, ""));
    case "like": return typeof have === "string" && have.includes(String(want).replace(/%/g, ""));
    case "<": return have! < want!;
    case ">": return have! > want!;
    case "<=": return have! <= want!;
    case ">=": return have! >= want!;
    default: throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
  }
}

/** Polish-notation domains ('&', '|', '!' prefixes; implicit AND between leaves). */
function evaluate(sim: SimContext, db: Database, model: string, rec: Rec, domain: Value[]): boolean {
  let i = 0;
  const next = (): boolean => {
    const t = domain[i++];
    if (t === "&") return next() && next();
    if (t === "|") { const a = next(); const b = next(); return a || b; }
    if (t === "!") return !next();
    if (!Array.isArray(t) || t.length !== 3) throw valueError(`Invalid domain term ${JSON.stringify(t)}`);
    return leaf(sim, db, model, rec, t);
  };
  let ok = true;
  while (i < domain.length) ok = next() && ok;
  return ok;
}

export function search(sim: SimContext, db: Database, model: string, domain: Value, opts: { offset?: number; limit?: number; order?: string; activeTest?: boolean } = {}): Rec[] {
  if (!Array.isArray(domain)) throw valueError("domain must be a list");
  const hasActive = "active" in fieldsOf(db)[model]!;
  let rows = records(sim, db, model).filter((r) => (!hasActive || opts.activeTest === false || r.active !== false) && evaluate(sim, db, model, r, domain));
  const order = (opts.order ?? "id asc").split(",").map((s) => s.trim().split(/\s+/));
  rows = rows.sort((a, b) => {
    for (const [f, dir] of order) {
      const x = a[f!] as number | string;
      const y = b[f!] as number | string;
      if (x !== y) return (x < y ? -1 : 1) * (dir?.toLowerCase() === "desc" ? -1 : 1);
    }
    return 0;
  });
  return rows.slice(opts.offset ?? 0, opts.limit ? (opts.offset ?? 0) + opts.limit : undefined);
}

function checkRequired(db: Database, model: string, rec: Rec): void {
  for (const [name, f] of Object.entries(fieldsOf(db)[model]!)) {
    if (f.required && (rec[name] === undefined || rec[name] === false || rec[name] === null)) {
      throw validationError(`The operation cannot be completed: Missing required value for the field '${name}' on model '${model}'.`);
    }
  }
}

function ensureSaleLine(sim: SimContext, db: Database, line: Rec): Rec {
  if (line.display_type) return line;
  if (!line.product_id) throw validationError("Missing required fields on accountable sale order line.");
  const product = get(sim, db, "product.product", Number(line.product_id))!;
  const uomField = LINE_UOM(db);
  if (!line[uomField]) line[uomField] = product.uom_id ?? 1;
  const lineUom = get(sim, db, "uom.uom", Number(line[uomField]));
  const productUom = get(sim, db, "uom.uom", Number(product.uom_id ?? 1));
  if (lineUom && productUom && lineUom.category_id !== productUom.category_id) {
    throw userError("The unit of measure defined on the order line doesn't belong to the same category as the unit of measure defined on the product.");
  }
  if (!line.name) line.name = String(product.name);
  return line;
}

function o2mCommands(sim: SimContext, db: Database, parentModel: string, parent: Rec, field: string, cmds: Value[]): void {
  const f = fieldsOf(db)[parentModel]![field]!;
  const child = f.relation!;
  const confirmed = parentModel === "sale.order" && parent.state === "sale";
  for (const cmd of cmds) {
    if (!Array.isArray(cmd)) throw valueError(`Wrong value for ${parentModel}.${field}: ${JSON.stringify(cmd)}`);
    const [op, id, vals] = cmd as [number, number, Value];
    if (op === 0) {
      const { plain } = splitVals(sim, db, child, vals);
      let rec: Rec = { discount: 0, sequence: 10, ...plain, id: newId(sim, db, child), [f.inverse!]: parent.id! };
      if (child === "sale.order.line") rec = ensureSaleLine(sim, db, rec);
      checkRequired(db, child, rec);
      put(sim, db, child, rec);
    } else if (op === 1) {
      const cur = get(sim, db, child, id);
      if (!cur || cur[f.inverse!] !== parent.id) throw missingError(`Record does not exist or has been deleted.\n(Record: ${child}(${id},), User: ${db.uid})`);
      const { plain } = splitVals(sim, db, child, vals);
      let rec: Rec = { ...cur, ...plain };
      if (child === "sale.order.line") rec = ensureSaleLine(sim, db, rec);
      put(sim, db, child, rec);
    } else if (op === 2 || op === 3 || op === 5) {
      if (confirmed) throw userError("You can not remove an order line once the sales order is confirmed.\nYou should rather set the quantity to 0.");
      const targets = op === 5 ? records(sim, db, child).filter((r) => r[f.inverse!] === parent.id) : [get(sim, db, child, id)].filter((r): r is Rec => !!r);
      for (const t of targets) sim.store.delete(col(db, child), String(t.id));
    } else throw valueError(`Unsupported x2many command ${op} for ${parentModel}.${field}`);
  }
}

/** Recomputes line subtotals (currency rounding of price × qty × (1 − discount), taxes per line) and document totals. */
function recompute(sim: SimContext, db: Database, model: "sale.order" | "account.move", rec: Rec): Rec {
  const lineModel = model === "sale.order" ? "sale.order.line" : "account.move.line";
  const inverse = model === "sale.order" ? "order_id" : "move_id";
  const qtyField = model === "sale.order" ? "product_uom_qty" : "quantity";
  const taxField = model === "sale.order" ? LINE_TAXES(db) : "tax_ids";
  let currency = Number(rec.currency_id || 2);
  if (model === "sale.order") {
    const pricelist = rec.pricelist_id ? get(sim, db, "product.pricelist", Number(rec.pricelist_id)) : null;
    currency = Number(pricelist?.currency_id ?? 2);
  }
  const p = currencyPlaces(sim, db, currency);
  let untaxed = 0n;
  let tax = 0n;
  for (const line of records(sim, db, lineModel).filter((l) => l[inverse] === rec.id)) {
    if (line.display_type) continue;
    const net = mulRound(Number(line.price_unit ?? 0) * (1 - Number(line.discount ?? 0) / 100), 9, Number(line[qtyField] ?? 0), 9, p);
    const taxes = ((line[taxField] as number[] | undefined) ?? []).map((t) => get(sim, db, "account.tax", t)).filter((t): t is Rec => !!t);
    const lineTax = taxes.reduce((a, t) => a + mulRound(Number(net) / 10 ** p, p, Number(t.amount) / 100, 6, p), 0n);
    untaxed += net;
    tax += lineTax;
    put(sim, db, lineModel, { ...line, price_subtotal: Number(net) / 10 ** p, ...(model === "sale.order" ? { price_total: Number(net + lineTax) / 10 ** p } : {}) });
  }
  return put(sim, db, model, { ...rec, currency_id: currency, amount_untaxed: Number(untaxed) / 10 ** p, amount_tax: Number(tax) / 10 ** p, amount_total: Number(untaxed + tax) / 10 ** p });
}

export function create(sim: SimContext, db: Database, model: string, valsList: Value): number[] {
  const list = Array.isArray(valsList) ? valsList : [valsList];
  const ids: number[] = [];
  for (const vals of list) {
    const { plain, x2many } = splitVals(sim, db, model, vals);
    const id = newId(sim, db, model);
    let rec: Rec = { ...plain, id };
    if (model === "sale.order") {
      rec = { state: "draft", pricelist_id: 1, date_order: sim.now().toISOString().slice(0, 19).replace("T", " "), ...rec, name: `S${String(sim.store.next(`odoo:${db.name}:so-seq`, 1)).padStart(5, "0")}`, delivery_status: false };
    } else if (model === "account.move") {
      rec = { state: "draft", currency_id: 2, ...rec, name: "/" };
    } else if (model === "product.product") {
      rec = { active: true, sale_ok: true, type: "consu", uom_id: 1, list_price: 0, ...rec };
    } else if ("active" in fieldsOf(db)[model]!) {
      rec = { active: true, ...rec };
    }
    checkRequired(db, model, rec);
    put(sim, db, model, rec);
    for (const [field, cmds] of x2many) o2mCommands(sim, db, model, rec, field, cmds);
    if (model === "sale.order" || model === "account.move") recompute(sim, db, model, get(sim, db, model, id)!);
    ids.push(id);
  }
  return ids;
}

function browse(sim: SimContext, db: Database, model: string, ids: Value): Rec[] {
  if (!Array.isArray(ids)) throw valueError("ids must be a list");
  return ids.map((id) => {
    const rec = get(sim, db, model, Number(id));
    if (!rec) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model}(${String(id)},), User: ${db.uid})`);
    return rec;
  });
}

export function write(sim: SimContext, db: Database, model: string, ids: Value, vals: Value): true {
  for (const rec of browse(sim, db, model, ids)) {
    const { plain, x2many } = splitVals(sim, db, model, vals);
    if (model === "account.move" && rec.state === "posted") throw userError("You cannot modify a posted entry of this journal.");
    const next = put(sim, db, model, { ...rec, ...plain });
    for (const [field, cmds] of x2many) o2mCommands(sim, db, model, next, field, cmds);
    if (model === "sale.order" || model === "account.move") recompute(sim, db, model, get(sim, db, model, Number(rec.id))!);
  }
  return true;
}

export function unlink(sim: SimContext, db: Database, model: string, ids: Value): true {
  for (const rec of browse(sim, db, model, ids)) {
    if (model === "sale.order" && rec.state !== "draft" && rec.state !== "cancel") throw userError("You can not delete a sent quotation or a confirmed sales order. You must first cancel it.");
    if (model === "sale.order.line") {
      const order = get(sim, db, "sale.order", Number(rec.order_id));
      if (order?.state === "sale") throw userError("You can not remove an order line once the sales order is confirmed.\nYou should rather set the quantity to 0.");
    }
    if (model === "account.move" && rec.state === "posted") throw userError("You cannot delete an entry which has been posted once.");
    // One2many children go with their parent (ondelete cascade).
    const children: Record<string, [string, string]> = { "sale.order": ["sale.order.line", "order_id"], "account.move": ["account.move.line", "move_id"] };
    const child = children[model];
    if (child) for (const c of records(sim, db, child[0]).filter((r) => r[child[1]] === rec.id)) sim.store.delete(col(db, child[0]), String(c.id));
    sim.store.delete(col(db, model), String(rec.id));
  }
  return true;
}

/** The business methods the connector uses; anything else is not exposed here. */
export function action(sim: SimContext, db: Database, model: string, method: string, ids: Value): Value {
  const recs = browse(sim, db, model, ids);
  const key = `${model}.${method}`;
  if (key === "sale.order.action_confirm") {
    for (const so of recs) {
      if (so.state !== "draft" && so.state !== "sent") {
        throw userError(`It is not allowed to confirm an order in the following states: ${so.state === "sale" ? "Sales Order" : "Cancelled"}`);
      }
      const goods = records(sim, db, "sale.order.line").filter((l) => l.order_id === so.id && !l.display_type && get(sim, db, "product.product", Number(l.product_id))?.type !== "service");
      if (goods.length > 0) {
        const seq = sim.store.next(`odoo:${db.name}:picking-seq`, 1);
        put(sim, db, "stock.picking", { id: newId(sim, db, "stock.picking"), name: `WH/OUT/${String(seq).padStart(5, "0")}`, origin: so.name!, sale_id: so.id!, state: "assigned", date_done: false });
      }
      put(sim, db, "sale.order", { ...so, state: "sale", delivery_status: goods.length > 0 ? "pending" : false });
    }
    return true;
  }
  if (key === "sale.order.action_cancel") {
    for (const so of recs) {
      for (const p of records(sim, db, "stock.picking").filter((x) => x.sale_id === so.id && x.state !== "done")) put(sim, db, "stock.picking", { ...p, state: "cancel" });
      put(sim, db, "sale.order", { ...so, state: "cancel" });
    }
    return true;
  }
  if (key === "stock.picking.button_validate") {
    for (const p of recs) {
      if (p.state === "done" || p.state === "cancel") throw userError("You cannot validate a transfer if no quantities are reserved nor done.");
      put(sim, db, "stock.picking", { ...p, state: "done", date_done: sim.now().toISOString().slice(0, 19).replace("T", " ") });
      const so = get(sim, db, "sale.order", Number(p.sale_id));
      if (so) {
        const all = records(sim, db, "stock.picking").filter((x) => x.sale_id === so.id && x.state !== "cancel");
        put(sim, db, "sale.order", { ...so, delivery_status: all.every((x) => x.state === "done") ? "full" : "partial" });
        for (const l of records(sim, db, "sale.order.line").filter((x) => x.order_id === so.id)) put(sim, db, "sale.order.line", { ...l, qty_delivered: l.product_uom_qty! });
      }
    }
    return true;
  }
  if (key === "account.move.action_post") {
    for (const m of recs) {
      if (m.state !== "draft") throw userError("The entry is already posted.");
      const lines = records(sim, db, "account.move.line").filter((l) => l.move_id === m.id);
      if (lines.length === 0) throw userError("You need to add a line before posting.");
      if (!m.partner_id && m.move_type !== "entry") throw userError("The field 'Customer' is required, please complete it to validate the Customer Credit Note.");
      const year = String(m.invoice_date || sim.now().toISOString()).slice(0, 4);
      const prefix = m.move_type === "out_refund" ? "RINV" : "INV";
      const seq = sim.store.next(`odoo:${db.name}:${prefix}:${year}`, 1);
      put(sim, db, "account.move", { ...m, state: "posted", name: `${prefix}/${year}/${String(seq).padStart(5, "0")}`, invoice_date: m.invoice_date || sim.now().toISOString().slice(0, 10) });
    }
    return true;
  }
  throw new OdooException("builtins.AttributeError", `The method '${method}' does not exist on the model '${model}'`);
}

export const MODELS = (db: Database) => Object.keys(fieldsOf(db));
