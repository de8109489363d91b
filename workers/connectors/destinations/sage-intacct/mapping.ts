// Order → create_sotransaction and refund → return transaction, with tax locked in the Tax subtotal and a rounding line if needed.
import type { SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { allocate, exponentOf, formatMinor, sum, type Minor } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund } from "../../../../shared/model/order";
import { ensureParity, ParityError } from "../../../../shared/posting/parity";
import { dimensionsFor, itemFor } from "../../../../shared/posting/profile";
import { truncateText } from "../../../../shared/posting/text";
import type { IntacctConfig } from "./config";
import { dateBlock, el, opt } from "./xml";

/** itemdesc/memo limits are not in the XSD; Intacct's UI allows 1,000 characters [UNVERIFIED]. */
const TEXT_MAX = 1000;

export interface SoLine {
  itemid: string;
  itemdesc: string;
  /** Exact decimal strings, so quantity × price is computed by Intacct exactly as the source computed it. */
  quantity: string;
  price: string;
  memo?: string;
}

export interface Built {
  definition: string;
  lines: SoLine[];
  /** Tax sent in the Tax subtotal (minor units): Intacct adds it as given. */
  tax: Minor;
  total: Minor;
  notes: SyncNote[];
}

export function orderRef(order: Order): string {
  return order.orderNumber;
}

export function refundRef(order: Order, refund: Refund): string {
  return `${order.orderNumber}-R${refund.id}`;
}

/** A minor amount as the currency's decimal text ("12.30", "1200", "1.250"); Intacct keeps the currency's decimals. */
function money(minor: Minor, currency: string): string {
  return formatMinor(minor, currency);
}

interface Dec {
  int: bigint;
  scale: number;
}

function dec(q: string): Dec {
  const [i = "0", f = ""] = q.replace(/^-/, "").split(".");
  const frac = f.replace(/0+$/, "");
  return { int: BigInt(i + frac) * (q.startsWith("-") ? -1n : 1n), scale: frac.length };
}

/** Quantity and price as the source has them when their product is exactly the line amount, else 1 × the amount. */
function figures(quantity: string, unitPrice: Minor | null, amount: Minor, currency: string): { quantity: string; price: string; exact: boolean } {
  const q = dec(quantity);
  if (unitPrice !== null && q.int !== 0n) {
    const product = q.int * BigInt(unitPrice);
    const div = 10n ** BigInt(q.scale);
    if (product % div === 0n && product / div === BigInt(amount)) return { quantity, price: money(unitPrice, currency), exact: true };
  }
  if (unitPrice === null && q.int !== 0n) {
    // A refund states a line amount only: its unit price when the amount divides exactly by the quantity.
    const scaled = BigInt(amount) * 10n ** BigInt(q.scale);
    if (scaled % q.int === 0n) return { quantity, price: money(Number(scaled / q.int), currency), exact: true };
  }
  return { quantity: "1", price: money(amount, currency), exact: false };
}

/**
 * The total Intacct will show (minor units): each line's value is quantity × price rounded to the currency's places,
 * plus the subtotals as sent (the Tax subtotal carries the source's tax) — Order Entry "subtotals" as the
 * transaction definition lists them (https://developer.intacct.com/api/order-entry/order-entry-transactions/).
 */
export function intacctTotal(lines: readonly SoLine[], tax: Minor, currency: string): Minor {
  const p = exponentOf(currency);
  let total = BigInt(tax);
  for (const l of lines) {
    const q = dec(l.quantity);
    const pr = dec(l.price);
    const product = q.int * pr.int;
    const scale = q.scale + pr.scale;
    if (scale <= p) total += product * 10n ** BigInt(p - scale);
    else {
      const d = 10n ** BigInt(scale - p);
      const neg = product < 0n;
      const abs = neg ? -product : product;
      const r = (abs * 2n + d) / (2n * d);
      total += neg ? -r : r;
    }
  }
  return Number(total);
}

function itemId(line: OrderLine, cfg: IntacctConfig): string {
  if (line.giftCard) return cfg.giftCardItem ?? cfg.giftCardItemId;
  const item = itemFor(line, cfg);
  if (item && "mapped" in item) return item.mapped;
  return cfg.items.fallback ?? cfg.defaultItemId;
}

function describe(name: string, quantity: string, unit: string | undefined, unitPrice: Minor | null, currency: string, exact: boolean): string {
  const clean = name.replace(/[\r\n\t]+/g, " ").trim() || "Item";
  return truncateText(exact || unitPrice === null ? clean : `${clean} (${quantity}${unit ? ` ${unit}` : ""} × ${money(unitPrice, currency)})`, TEXT_MAX);
}

function squared(lines: SoLine[], tax: Minor, source: Minor, currency: string, cfg: IntacctConfig, what: string): { lines: SoLine[]; notes: SyncNote[] } {
  try {
    const r = ensureParity(
      lines,
      source,
      (ls) => intacctTotal(ls, tax, currency),
      (ls, diff) => [...ls, { itemid: cfg.roundingItem ?? cfg.roundingItemId, itemdesc: "Rounding adjustment", quantity: "1", price: money(diff, currency) }],
      "Intacct rounding line",
    );
    return {
      lines: r.payload,
      notes: r.adjustment === 0 ? [] : [{ message: `Sage Intacct: rounding line of ${money(r.adjustment, currency)} ${currency} added to the ${what} so it totals the source's ${money(source, currency)}`, data: { adjustment: r.adjustment } }],
    };
  } catch (err) {
    if (err instanceof ParityError) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Sage Intacct ${what}: ${err.message}` });
    throw err;
  }
}

/**
 * Order lines for the sales transaction. Exclusive prices: lines at the source's quantity × price, one discount line,
 * shipping and tip lines, and the tax in the Tax subtotal. Inclusive prices: Order Entry lines are tax-exclusive, so
 * each line is posted net of the tax it includes and the included tax goes to the Tax subtotal — same total.
 */
export function buildOrder(order: Order, cfg: IntacctConfig): Built {
  const cur = order.currency;
  const lines: SoLine[] = [];
  const notes: SyncNote[] = [];
  if (!order.taxesIncluded) {
    for (const l of order.lines) {
      const f = figures(l.quantity, l.unitPrice, l.grossAmount, cur);
      lines.push({ itemid: itemId(l, cfg), itemdesc: describe(l.name, l.quantity, l.unit, l.unitPrice, cur, f.exact), quantity: f.quantity, price: f.price });
    }
    for (const s of order.shipping) lines.push({ itemid: cfg.shippingItem ?? cfg.shippingItemId, itemdesc: truncateText(s.title || "Shipping", TEXT_MAX), quantity: "1", price: money(s.amount, cur) });
    if (order.totals.discounts !== 0) {
      const codes = [...new Set([...order.lines.flatMap((l) => l.discounts), ...order.shipping.flatMap((s) => s.discounts), ...order.discounts].map((d) => d.code ?? d.title).filter(Boolean))];
      lines.push({ itemid: cfg.discountItem ?? cfg.discountItemId, itemdesc: truncateText(codes.length ? `Discounts (${codes.join(", ")})` : "Discounts", TEXT_MAX), quantity: "1", price: money(-order.totals.discounts, cur) });
    }
  } else {
    const holders = [
      ...order.lines.map((l) => ({ l, amount: l.grossAmount - sum(l.discounts.map((d) => d.amount)), tax: sum(l.taxes.map((t) => t.amount)) })),
      ...order.shipping.map((s) => ({ l: null, title: s.title, amount: s.amount - sum(s.discounts.map((d) => d.amount)), tax: sum(s.taxes.map((t) => t.amount)) })),
    ];
    const unallocated = order.totals.discounts - sum(order.lines.flatMap((l) => l.discounts.map((d) => d.amount))) - sum(order.shipping.flatMap((s) => s.discounts.map((d) => d.amount)));
    const spread = holders.length ? allocate(Math.max(0, unallocated), holders.map((h) => Math.max(0, h.amount))) : [];
    const residualTax = order.totals.tax - sum(holders.map((h) => h.tax));
    const taxSpread = holders.length ? allocate(residualTax, holders.map((h) => Math.abs(h.tax) || 1)) : [];
    holders.forEach((h, i) => {
      const net = h.amount - (spread[i] ?? 0) - h.tax - (taxSpread[i] ?? 0);
      if (h.l) {
        const f = figures(h.l.quantity, null, net, cur);
        lines.push({ itemid: itemId(h.l, cfg), itemdesc: truncateText(h.l.name.replace(/[\r\n\t]+/g, " ").trim() || "Item", TEXT_MAX), quantity: f.quantity, price: f.price, memo: truncateText(`${h.l.quantity}${h.l.unit ? ` ${h.l.unit}` : ""} × ${money(h.l.unitPrice, cur)} incl. tax; net of ${money(h.tax + (taxSpread[i] ?? 0), cur)} tax`, TEXT_MAX) });
      } else {
        lines.push({ itemid: cfg.shippingItem ?? cfg.shippingItemId, itemdesc: truncateText(("title" in h ? h.title : "") || "Shipping", TEXT_MAX), quantity: "1", price: money(net, cur), memo: "net of included tax" });
      }
    });
    if (holders.length === 0 && unallocated !== 0) lines.push({ itemid: cfg.discountItem ?? cfg.discountItemId, itemdesc: "Discounts", quantity: "1", price: money(-unallocated, cur) });
    notes.push({ message: `Sage Intacct: tax-inclusive prices posted net of their ${money(order.totals.tax, cur)} ${cur} tax, which is in the ${cfg.taxSubtotal} subtotal` });
  }
  if (order.totals.tip !== 0) lines.push({ itemid: cfg.tipItemId, itemdesc: "Tip", quantity: "1", price: money(order.totals.tip, cur) });
  if (lines.length === 0) lines.push({ itemid: cfg.defaultItemId, itemdesc: `Order ${order.orderNumber}`, quantity: "1", price: money(0, cur) });
  const r = squared(lines, order.totals.tax, order.totals.total, cur, cfg, `order ${order.orderNumber}`);
  return { definition: cfg.orderTransactionDefinition, lines: r.lines, tax: order.totals.tax, total: order.totals.total, notes: [...notes, ...r.notes] };
}

/** The return transaction for one refund: refunded lines, shipping and adjustments, tax in the Tax subtotal. */
export function buildReturn(order: Order, refund: Refund, cfg: IntacctConfig): Built {
  const cur = order.currency;
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  const lines: SoLine[] = [];
  for (const rl of refund.lines) {
    const source = byId.get(rl.lineId);
    const amount = order.taxesIncluded ? rl.amount - rl.tax : rl.amount;
    const f = figures(rl.quantity, null, amount, cur);
    const name = rl.name ?? source?.name ?? rl.sku ?? `Line ${rl.lineId}`;
    lines.push({ itemid: source ? itemId(source, cfg) : cfg.defaultItemId, itemdesc: describe(name, rl.quantity, source?.unit, null, cur, f.exact), quantity: f.quantity, price: f.price, ...(f.exact ? {} : { memo: `${rl.quantity} returned` }) });
  }
  const lineTax = sum(refund.lines.map((l) => l.tax));
  if (refund.shipping !== 0) lines.push({ itemid: cfg.shippingItem ?? cfg.shippingItemId, itemdesc: "Shipping refund", quantity: "1", price: money(order.taxesIncluded ? refund.shipping - (refund.tax - lineTax) : refund.shipping, cur) });
  if (refund.adjustments !== 0) lines.push({ itemid: cfg.defaultItemId, itemdesc: "Refund adjustment", quantity: "1", price: money(refund.adjustments, cur) });
  if (lines.length === 0) lines.push({ itemid: cfg.defaultItemId, itemdesc: `Refund ${refund.id}`, quantity: "1", price: money(refund.total - refund.tax, cur) });
  const r = squared(lines, refund.tax, refund.total, cur, cfg, `return for refund ${refund.id}`);
  return { definition: cfg.returnTransactionDefinition, lines: r.lines, tax: refund.tax, total: refund.total, notes: r.notes };
}

function lineXml(l: SoLine, cfg: IntacctConfig, dims: { location?: string; department?: string }, tag = "sotransitem", attrs: Record<string, string> = {}): string {
  // sotransitem children in api.v3.0.xsd order: itemid, itemdesc, taxable, warehouseid, quantity, unit, price, …, locationid, departmentid, memo
  return el(tag, [el("itemid", l.itemid), opt("itemdesc", l.itemdesc), opt("warehouseid", cfg.warehouseId), el("quantity", l.quantity), el("price", l.price), opt("locationid", dims.location), opt("departmentid", dims.department), opt("memo", l.memo)], attrs);
}

function currencyXml(order: Order, cfg: IntacctConfig): string[] {
  if (order.currency === cfg.baseCurrency) return [];
  // basecurr?, currency, (exchratedate?, exchratetype) | exchrate
  return [el("basecurr", cfg.baseCurrency), el("currency", order.currency), order.exchangeRate ? el("exchrate", order.exchangeRate) : el("exchratetype", cfg.exchangeRateType)];
}

function messageFor(order: Order, extra?: string): string | undefined {
  const who = [order.customer?.name, order.customer?.email ? `<${order.customer.email}>` : undefined].filter(Boolean).join(" ");
  const text = [who && `Customer: ${who}`, extra].filter(Boolean).join(" — ");
  return text ? truncateText(text, TEXT_MAX) : undefined;
}

/** create_sotransaction, children in the XSD's sequence order. */
export function createXml(order: Order, built: Built, number: string, cfg: IntacctConfig, day: string, extraMessage?: string): string {
  const dims = dimensionsFor(order, cfg);
  return el("create_sotransaction", [
    el("transactiontype", built.definition),
    dateBlock("datecreated", day),
    el("customerid", cfg.customers.walkIn ?? cfg.walkInCustomerId),
    el("referenceno", number),
    opt("message", messageFor(order, extraMessage)),
    ...currencyXml(order, cfg),
    el("customerponumber", truncateText(order.orderNumber, 30)),
    el("sotransitems", built.lines.map((l) => lineXml(l, cfg, dims))),
    el("subtotals", [el("subtotal", [el("description", cfg.taxSubtotal), el("total", money(built.tax, order.currency))])]),
  ]);
}

/** update_sotransaction: lines rewritten in place (surplus old lines zeroed), tax subtotal, state and shipping. */
export function updateXml(order: Order, key: string, cfg: IntacctConfig, change: { built?: Built; oldLines?: number; state?: string; message?: string; tracking?: string; shippedDay?: string }): string {
  const dims = dimensionsFor(order, cfg);
  const items: string[] = [];
  if (change.built) {
    const old = change.oldLines ?? 0;
    change.built.lines.forEach((l, i) => items.push(i < old ? lineXml(l, cfg, dims, "updatesotransitem", { line_num: String(i + 1) }) : lineXml(l, cfg, dims)));
    for (let i = change.built.lines.length; i < old; i++) {
      items.push(el("updatesotransitem", [el("quantity", "0"), el("price", "0"), el("memo", "removed at the source")], { line_num: String(i + 1) }));
    }
  }
  // update_sotransaction children in XSD order: …message…, state, …, trackingnumber, shippeddate, …, updatesotransitems, updatesubtotals
  return el(
    "update_sotransaction",
    [
      opt("message", change.message),
      opt("state", change.state),
      opt("trackingnumber", change.tracking),
      change.shippedDay ? dateBlock("shippeddate", change.shippedDay) : undefined,
      items.length ? el("updatesotransitems", items) : undefined,
      change.built ? el("updatesubtotals", [el("updatesubtotal", [el("description", cfg.taxSubtotal), el("total", money(change.built.tax, order.currency))])]) : undefined,
    ],
    { key },
  );
}
