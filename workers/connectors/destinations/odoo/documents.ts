// Odoo documents: sale.order (client_order_ref) created, converged, confirmed, cancelled, delivered; out_refund credit notes.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { exponentOf, floatToMinor, formatMinor, minorToNumber } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { extend } from "../../../../shared/model/quantity";
import { fitQuantity, fitReference, orderLines, refundLines, settle, type PostingLine } from "../../../../shared/posting/lines";
import { truncateText } from "../../../../shared/posting/text";
import { lineFields, type OdooConfig } from "./config";
import { call, callAs, type Params } from "./rpc";
import { Currency, Ids, Move, Named, Picking, Precision, Product, SaleOrder, SaleOrderLine } from "./schemas";
import type { XmlRpcValue } from "./xmlrpc";

/** client_order_ref is an unbounded Char; keep references readable. */
export const REF_MAX = 64;
const ORDER_FIELDS = ["name", "state", "client_order_ref", "amount_total", "currency_id", "picking_ids", "delivery_status"];
const MOVE_FIELDS = ["name", "state", "ref", "amount_total", "move_type"];
/** sale.order states in which lines may still be replaced wholesale (quotation). */
const QUOTATION = ["draft", "sent"];

export const orderReference = (order: Order) => fitReference("", order.orderNumber, REF_MAX);
export const refundReference = (refund: Refund) => fitReference("R", refund.id, REF_MAX);
export const externalRef = (cfg: OdooConfig, ref: string) => fitReference(cfg.docNumberPrefix, ref, REF_MAX);

function orderRef(o: SaleOrder, currency: string): DocumentRef {
  const state = o.state === "sale" && o.delivery_status === "full" ? "delivered" : o.state;
  return { kind: "sale.order", id: String(o.id), externalRef: o.client_order_ref || "", total: floatToMinor(o.amount_total, currency), currency, state };
}

function moveRef(m: Move, currency: string): DocumentRef {
  return { kind: "account.move", id: String(m.id), externalRef: m.ref || "", total: floatToMinor(m.amount_total, currency), currency, state: m.state };
}

// https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#search-and-read
export async function findOrder(ctx: ConnectorContext, cfg: OdooConfig, ref: string, currency: string): Promise<DocumentRef | null> {
  const rows = await callAs(ctx, cfg, SaleOrder.array(), "sale.order", "search_read", { params: { domain: [["client_order_ref", "=", ref]], fields: ORDER_FIELDS, limit: 1, order: "id asc" } });
  return rows[0] ? orderRef(rows[0], currency) : null;
}

export async function findCredit(ctx: ConnectorContext, cfg: OdooConfig, ref: string, currency: string): Promise<DocumentRef | null> {
  const rows = await callAs(ctx, cfg, Move.array(), "account.move", "search_read", { params: { domain: [["ref", "=", ref], ["move_type", "=", "out_refund"]], fields: MOVE_FIELDS, limit: 1, order: "id asc" } });
  return rows[0] ? moveRef(rows[0], currency) : null;
}

/**
 * Odoo has no idempotency key: two syncs racing past "not found" both create. Right after a create (still a draft),
 * the copies with the same reference are looked up and all but the lowest id are deleted; both racers keep the same one.
 */
async function keepFirst(ctx: ConnectorContext, cfg: OdooConfig, model: "sale.order" | "account.move", domain: XmlRpcValue[]): Promise<number | null> {
  const ids = (await callAs(ctx, cfg, Ids, model, "search", { params: { domain, order: "id asc" } })).sort((a, b) => a - b);
  const extra = ids.slice(1);
  if (extra.length > 0) {
    try {
      await call(ctx, cfg, model, "unlink", { ids: extra });
    } catch (err) {
      // The other sync deleted them first.
      if (!(err instanceof ConnectorError && /MissingError/.test(err.vendorCode ?? ""))) throw err;
    }
  }
  return ids[0] ?? null;
}

/** A state change the other racing sync may have made already: re-read instead of failing. */
async function settleState(ctx: ConnectorContext, cfg: OdooConfig, change: () => Promise<unknown>, done: () => Promise<boolean>): Promise<void> {
  try {
    await change();
  } catch (err) {
    if (!(err instanceof ConnectorError && err.kind === "permanent" && (await done()))) throw err;
  }
}

// ------------------------------------------------------------------ precision, partners, currencies, products

/** Decimal Accuracy of prices and quantities: Odoo rounds price_unit and quantities to these on write. */
async function precisions(ctx: ConnectorContext, cfg: OdooConfig): Promise<{ price: number; quantity: number }> {
  const rows = await callAs(ctx, cfg, Precision.array(), "decimal.precision", "search_read", { params: { domain: [["name", "in", ["Product Price", "Product Unit of Measure"]]], fields: ["name", "digits"] } });
  const of = (name: string, fallback: number) => rows.find((r) => r.name === name)?.digits ?? fallback;
  return { price: of("Product Price", 2), quantity: of("Product Unit of Measure", 2) };
}

async function partnerId(ctx: ConnectorContext, cfg: OdooConfig, order: Order): Promise<number> {
  const email = order.customer?.email?.trim();
  if (!email || !cfg.customers.createMissing) return cfg.customers.walkIn ? Number(cfg.customers.walkIn) : cfg.walkInPartnerId;
  const found = await callAs(ctx, cfg, Named.array(), "res.partner", "search_read", { params: { domain: [["email", "=ilike", email]], fields: ["name"], limit: 1 } });
  if (found[0]) return found[0].id;
  const [id] = await callAs(ctx, cfg, Ids, "res.partner", "create", { params: { vals_list: [{ name: order.customer?.name ?? email, email }] } });
  return id!;
}

/** The currency record, activated when needed (Odoo ships most currencies inactive). */
async function currencyId(ctx: ConnectorContext, cfg: OdooConfig, code: string): Promise<number> {
  const rows = await callAs(ctx, cfg, Currency.array(), "res.currency", "search_read", {
    params: { domain: [["name", "=", code]], fields: ["name", "active"], limit: 1, context: { active_test: false } },
  });
  const row = rows[0];
  if (!row) throw new ConnectorError({ kind: "permanent", vendorCode: "currency", message: `Odoo has no currency ${code}` });
  if (row.active !== true) await call(ctx, cfg, "res.currency", "write", { ids: [row.id], params: { vals: { active: true } } });
  return row.id;
}
/** A pricelist in the order's currency (a sale order takes its currency from its pricelist). */
async function pricelistId(ctx: ConnectorContext, cfg: OdooConfig, code: string): Promise<number> {
  const rows = await callAs(ctx, cfg, Named.array(), "product.pricelist", "search_read", { params: { domain: [["currency_id.name", "=", code]], fields: ["name"], limit: 1, order: "id asc" } });
  if (rows[0]) return rows[0].id;
  const [id] = await callAs(ctx, cfg, Ids, "product.pricelist", "create", { params: { vals_list: [{ name: `OrderMesh ${code}`, currency_id: await currencyId(ctx, cfg, code) }] } });
  return id!;
}

function codeFor(cfg: OdooConfig, l: PostingLine): string {
  switch (l.kind) {
    case "item": return l.sku && cfg.items.autoCreate ? l.sku : (cfg.items.fallback ?? cfg.chargeCodes.fallback);
    case "gift_card": return cfg.giftCardItem ?? cfg.chargeCodes.giftCard;
    case "shipping": return cfg.shippingItem ?? cfg.chargeCodes.shipping;
    case "discount": return cfg.discountItem ?? cfg.chargeCodes.discount;
    case "tax": return cfg.chargeCodes.tax;
    case "tip": return cfg.chargeCodes.tip;
    case "rounding": return cfg.roundingItem ?? cfg.chargeCodes.rounding;
    case "refund_adjustment": return cfg.chargeCodes.refundAdjustment;
  }
}

interface ProductRef {
  id: number;
  uom: number;
}

/** Products by internal reference in one search; missing ones are created (goods as consumables, charges as services). */
async function products(ctx: ConnectorContext, cfg: OdooConfig, lines: PostingLine[]): Promise<Map<string, ProductRef>> {
  const out = new Map<string, ProductRef>();
  const wanted = new Map<string, PostingLine>();
  for (const l of lines) {
    const mapped = l.kind === "item" && l.sku ? cfg.items.map[l.sku] : undefined;
    if (mapped) out.set(`id:${mapped}`, { id: Number(mapped), uom: 0 });
    else if (!wanted.has(codeFor(cfg, l))) wanted.set(codeFor(cfg, l), l);
  }
  const codes = [...wanted.keys()];
  const found = codes.length
    ? await callAs(ctx, cfg, Product.array(), "product.product", "search_read", { params: { domain: [["default_code", "in", codes]], fields: ["default_code", "uom_id"] } })
    : [];
  for (const p of found) if (p.default_code && p.uom_id) out.set(p.default_code, { id: p.id, uom: p.uom_id[0] });
  for (const [code, l] of wanted) {
    if (out.has(code)) continue;
    const goods = l.kind === "item";
    const vals: Params = { name: goods ? truncateText(l.name, 255) : code, default_code: code, type: goods ? "consu" : "service", sale_ok: true };
    const unit = goods && l.unit ? cfg.unitMap[l.unit] : undefined;
    if (unit) {
      const uoms = await callAs(ctx, cfg, Named.array(), "uom.uom", "search_read", { params: { domain: [["name", "=", unit]], fields: ["name"], limit: 1 } });
      if (uoms[0]) vals.uom_id = uoms[0].id;
    }
    const [id] = await callAs(ctx, cfg, Ids, "product.product", "create", { params: { vals_list: [vals] } });
    const [made] = await callAs(ctx, cfg, Product.array(), "product.product", "read", { ids: [id!], params: { fields: ["default_code", "uom_id"] } });
    out.set(code, { id: id!, uom: made?.uom_id ? made.uom_id[0] : 0 });
  }
  return out;
}

function productFor(cfg: OdooConfig, all: Map<string, ProductRef>, l: PostingLine): ProductRef {
  const mapped = l.kind === "item" && l.sku ? cfg.items.map[l.sku] : undefined;
  return all.get(mapped ? `id:${mapped}` : codeFor(cfg, l))!;
}

// ------------------------------------------------------------------ arithmetic

/**
 * Lines Odoo can hold exactly: a quantity finer than "Product Unit of Measure" becomes one unit of its amount, and a
 * unit price finer than "Product Price" too; an amount finer than the price precision cannot be posted at all.
 */
function representable(lines: PostingLine[], target: number, currency: string, digits: { price: number; quantity: number }): { lines: PostingLine[]; notes: SyncNote[] } {
  const step = 10 ** Math.max(0, exponentOf(currency) - digits.price);
  const fits = (minor: number) => minor % step === 0;
  const fitted = lines.map((l) => {
    const q = fitQuantity(l, digits.quantity);
    return fits(q.unitPrice) || q.quantity === "1" ? q : { ...q, name: `${q.name} × ${q.quantity}`, quantity: "1", unitPrice: extend(q.quantity, q.unitPrice) };
  });
  const settled = settle(fitted, target, currency);
  const bad = settled.lines.find((l) => !fits(l.unitPrice));
  if (bad) {
    throw new ConnectorError({
      kind: "permanent",
      vendorCode: "decimal_precision",
      message: `Odoo keeps prices to ${digits.price} decimals (Decimal Accuracy "Product Price"), ${currency} needs ${exponentOf(currency)}: "${bad.name}" at ${formatMinor(bad.unitPrice, currency)} cannot be posted exactly; raise the precision in Odoo`,
    });
  }
  return settled;
}

function lineVals(cfg: OdooConfig, l: PostingLine, p: ProductRef, currency: string, sequence: number): Params {
  const f = lineFields(cfg);
  return {
    sequence,
    product_id: p.id,
    name: l.name,
    product_uom_qty: Number(l.quantity),
    price_unit: minorToNumber(l.unitPrice, currency),
    discount: 0,
    [f.taxes]: [[6, 0, []]],
    ...(p.uom ? { [f.uom]: p.uom } : {}),
  };
}

function sameLine(v: Params, l: SaleOrderLine): boolean {
  return l.product_id !== false && v.product_id === l.product_id[0] && v.name === l.name && v.product_uom_qty === l.product_uom_qty && v.price_unit === l.price_unit;
}

/** Naive UTC "YYYY-MM-DD HH:MM:SS", the datetime format of the ORM. */
function odooDatetime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace("T", " ");
}

const wantsConfirmation = (o: Order) =>
  ["paid", "partially_paid", "authorized", "partially_refunded", "refunded"].includes(o.financialStatus) || ["packing", "shipped", "delivered", "completed"].includes(o.status);
const isShipped = (o: Order) => ["shipped", "delivered"].includes(o.fulfillmentStatus) || ["shipped", "delivered", "completed"].includes(o.status);

async function readOrder(ctx: ConnectorContext, cfg: OdooConfig, id: number): Promise<SaleOrder | null> {
  const rows = await callAs(ctx, cfg, SaleOrder.array(), "sale.order", "search_read", { params: { domain: [["id", "=", id]], fields: ORDER_FIELDS, limit: 1 } });
  return rows[0] ?? null;
}

/** Line commands bringing an order's lines to the plan: (5) clear + (0) create for a quotation; (1) update / (0) create / qty 0 once confirmed. */
function lineCommands(state: string, wanted: Params[], current: SaleOrderLine[]): XmlRpcValue[] | null {
  if (current.length === wanted.length && wanted.every((w, i) => sameLine(w, current[i]!))) return null;
  if (QUOTATION.includes(state)) return [[5, 0, 0], ...wanted.map((w) => [0, 0, w] as XmlRpcValue)];
  // A confirmed order's lines cannot be removed ("set the quantity to 0" — Odoo's own advice).
  const cmds: XmlRpcValue[] = [];
  wanted.forEach((w, i) => {
    const have = current[i];
    if (have && have.product_id !== false && have.product_id[0] === w.product_id) {
      if (!sameLine(w, have)) cmds.push([1, have.id, { name: w.name!, product_uom_qty: w.product_uom_qty!, price_unit: w.price_unit!, sequence: w.sequence! }]);
    } else {
      if (have) cmds.push([1, have.id, { product_uom_qty: 0 }]);
      cmds.push([0, 0, w]);
    }
  });
  for (const extra of current.slice(wanted.length)) if (extra.product_uom_qty !== 0) cmds.push([1, extra.id, { product_uom_qty: 0 }]);
  return cmds;
}

/**
 * Creates the sale order (lines in the same create: one transaction), or converges an existing one; then state:
 * cancelled → action_cancel, paid or in fulfilment → action_confirm, shipped → validate its deliveries (stock.picking).
 */
export async function upsertOrder(ctx: ConnectorContext, cfg: OdooConfig, order: Order, existing: DocumentRef | null): Promise<SyncResult> {
  const currency = order.currency;
  const ref = externalRef(cfg, orderReference(order));
  const digits = await precisions(ctx, cfg);
  const plan = representable(orderLines(order, { inlineDiscounts: false }), order.totals.total, currency, digits);
  const notes = [...plan.notes];
  if (order.taxesIncluded && order.totals.tax !== 0) notes.push({ message: `Prices include ${order.totals.tax} minor units of tax; lines carry no Odoo taxes, so Odoo adds none` });
  const found = existing ?? (await findOrder(ctx, cfg, ref, currency));
  let so = found ? await readOrder(ctx, cfg, Number(found.id)) : null;
  const prods = await products(ctx, cfg, plan.lines);
  const wanted = plan.lines.map((l, i) => lineVals(cfg, l, productFor(cfg, prods, l), currency, i + 1));
  if (!so) {
    // https://www.odoo.com/documentation/19.0/developer/reference/backend/orm.html#odoo.models.Model.create (vals_list)
    const [id] = await callAs(ctx, cfg, Ids, "sale.order", "create", {
      params: {
        vals_list: [{
          partner_id: await partnerId(ctx, cfg, order),
          client_order_ref: ref,
          origin: truncateText(`${order.source} ${order.orderNumber}`, 255),
          date_order: odooDatetime(order.createdAt),
          pricelist_id: await pricelistId(ctx, cfg, currency),
          order_line: wanted.map((w) => [0, 0, w] as XmlRpcValue),
        }],
      },
    });
    so = await readOrder(ctx, cfg, (await keepFirst(ctx, cfg, "sale.order", [["client_order_ref", "=", ref]])) ?? id!);
  } else if (so.state !== "cancel" && order.status !== "cancelled") {
    const current = await callAs(ctx, cfg, SaleOrderLine.array(), "sale.order.line", "search_read", {
      params: { domain: [["order_id", "=", so.id], ["display_type", "=", false]], fields: ["sequence", "product_id", "name", "product_uom_qty", "price_unit"], order: "sequence asc, id asc" },
    });
    const cmds = lineCommands(so.state, wanted, current);
    if (cmds) await call(ctx, cfg, "sale.order", "write", { ids: [so.id], params: { vals: { order_line: cmds } } });
  }
  if (!so) throw new ConnectorError({ kind: "retryable", vendorCode: "not_found", message: `Odoo sale order for ${ref} vanished while it was being written` });
  const id = so.id;
  if (order.status === "cancelled") {
    if (so.state !== "cancel") {
      // https://github.com/odoo/odoo/blob/17.0/addons/sale/models/sale_order.py (action_cancel)
      await settleState(ctx, cfg, () => call(ctx, cfg, "sale.order", "action_cancel", { ids: [id] }), async () => (await readOrder(ctx, cfg, id))?.state === "cancel");
      notes.push({ message: `Odoo sale order ${so.name} cancelled` });
    }
  } else if (so.state !== "cancel") {
    if (QUOTATION.includes(so.state) && (wantsConfirmation(order) || isShipped(order))) {
      await settleState(ctx, cfg, () => call(ctx, cfg, "sale.order", "action_confirm", { ids: [id] }), async () => (await readOrder(ctx, cfg, id))?.state === "sale");
    }
    if (isShipped(order) && cfg.validateDeliveries) {
      const open = await callAs(ctx, cfg, Picking.array(), "stock.picking", "search_read", { params: { domain: [["sale_id", "=", id], ["state", "not in", ["done", "cancel"]]], fields: ["state"] } });
      if (open.length > 0) {
        // https://github.com/odoo/odoo/blob/17.0/addons/stock/models/stock_picking.py (button_validate)
        await settleState(ctx, cfg, () => call(ctx, cfg, "stock.picking", "button_validate", { ids: open.map((p) => p.id) }), async () => (await readOrder(ctx, cfg, id))?.delivery_status === "full");
        notes.push({ message: `Odoo delivery validated for ${so.name} (the order shipped)` });
      }
    }
  }
  const final = await readOrder(ctx, cfg, id);
  if (!final) throw new ConnectorError({ kind: "retryable", vendorCode: "not_found", message: `Odoo sale order ${id} vanished` });
  return { doc: orderRef(final, currency), notes };
}

/** A customer credit note (account.move, move_type out_refund) with the refund's lines, posted when configured. */
export async function createCreditNote(ctx: ConnectorContext, cfg: OdooConfig, order: Order, refund: Refund, parent: DocumentRef | null): Promise<SyncResult> {
  const currency = order.currency;
  const ref = externalRef(cfg, refundReference(refund));
  const found = await findCredit(ctx, cfg, ref, currency);
  if (found) return { doc: found, notes: [] };
  const digits = await precisions(ctx, cfg);
  const plan = representable(refundLines(order, refund), refund.total, currency, digits);
  const prods = await products(ctx, cfg, plan.lines);
  // https://github.com/odoo/odoo/blob/17.0/addons/account/models/account_move.py (move_type out_refund, invoice_line_ids)
  const [id] = await callAs(ctx, cfg, Ids, "account.move", "create", {
    params: {
      vals_list: [{
        move_type: "out_refund",
        partner_id: await partnerId(ctx, cfg, order),
        ref,
        invoice_origin: parent ? `${parent.externalRef || parent.id}` : orderReference(order),
        invoice_date: refund.createdAt.slice(0, 10),
        currency_id: await currencyId(ctx, cfg, currency),
        invoice_line_ids: plan.lines.map((l) => [0, 0, { product_id: productFor(cfg, prods, l).id, name: l.name, quantity: Number(l.quantity), price_unit: minorToNumber(l.unitPrice, currency), tax_ids: [[6, 0, []]] }] as XmlRpcValue),
      }],
    },
  });
  const kept = (await keepFirst(ctx, cfg, "account.move", [["ref", "=", ref], ["move_type", "=", "out_refund"]])) ?? id!;
  const readMove = async () => (await callAs(ctx, cfg, Move.array(), "account.move", "search_read", { params: { domain: [["id", "=", kept]], fields: MOVE_FIELDS, limit: 1 } }))[0];
  if (cfg.postCreditNotes) await settleState(ctx, cfg, () => call(ctx, cfg, "account.move", "action_post", { ids: [kept] }), async () => (await readMove())?.state === "posted");
  const move = await readMove();
  if (!move) throw new ConnectorError({ kind: "retryable", vendorCode: "not_found", message: `Odoo credit note ${id} vanished` });
  return { doc: moveRef(move, currency), notes: plan.notes };
}
