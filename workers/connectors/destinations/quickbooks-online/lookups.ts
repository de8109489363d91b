// Name lists a document points at: Items by SKU (created on demand, names trimmed to QBO's limit) and web Customers.
import type { ConnectorContext, SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { Order, OrderLine } from "../../../../shared/model/order";
import { query, quote, requestIdFor, write } from "./api";
import type { QboConfig } from "./config";
import type { Ref } from "./mapping";
import { ITEM_NAME_MAX, trimToLength } from "./refs";
import { QboCustomer, QboItem } from "./schemas";

/**
 * Runs `post` (resolve references, then write) once more with fresh lookups when QuickBooks refuses a reference this
 * connection remembered: an item or customer made inactive or deleted since (610 Object Not Found, 2500 Invalid
 * Reference Id — https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes).
 * `attempt` names the try, so the second write carries its own requestid instead of replaying the first's answer.
 */
export async function withFreshReferences<T>(ctx: ConnectorContext, notes: SyncNote[], post: (attempt: string) => Promise<T>): Promise<T> {
  const remembered = (ctx.memo?.size ?? 0) > 0;
  try {
    return await post("");
  } catch (err) {
    if (!remembered || !(err instanceof ConnectorError) || (err.vendorCode !== "610" && err.vendorCode !== "2500")) throw err;
    ctx.memo!.clear();
    notes.push({ message: `QuickBooks refused a remembered reference (${err.vendorCode}); looked items and customers up again`, data: { vendorCode: err.vendorCode } });
    return post("fresh-references");
  }
}

function isDuplicateName(err: unknown): boolean {
  return err instanceof ConnectorError && err.vendorCode === "6240";
}

/**
 * Resolves the Item of every product line: the posting profile's itemMap, then an existing Item with that SKU (one
 * `Sku IN (…)` query per order), then — when autoCreateItems — a new NonInventory Item; lines without a SKU post to
 * the fallback item.
 */
export async function resolveItems(ctx: ConnectorContext, cfg: QboConfig, lines: readonly OrderLine[], requestId: string, notes: SyncNote[]): Promise<(line: OrderLine) => Ref> {
  const bySku = new Map<string, Ref>();
  for (const [sku, id] of Object.entries(cfg.itemMap)) bySku.set(sku, { value: id });
  const skus = [...new Set(lines.filter((l) => !l.giftCard && l.sku && !bySku.has(l.sku)).map((l) => l.sku!))];
  if (skus.length > 0 && cfg.autoCreateItems) {
    // Items this connection resolved before need no query (the memo is cleared when QuickBooks refuses one).
    const wanted: string[] = [];
    for (const sku of skus) {
      const known = ctx.memo?.get<Ref>(`item:${sku}`);
      if (known) bySku.set(sku, known);
      else wanted.push(sku);
    }
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item#query-an-item
    const found = wanted.length > 0 ? await query(ctx, cfg, "Item", `Sku IN (${wanted.map(quote).join(", ")})`) : [];
    for (const raw of found) {
      const item = QboItem.safeParse(raw);
      if (item.success && item.data.Sku && item.data.Active !== false) bySku.set(item.data.Sku, { value: item.data.Id, name: item.data.Name });
    }
    for (const sku of wanted) {
      if (!bySku.has(sku)) bySku.set(sku, await createItem(ctx, cfg, lines.find((l) => l.sku === sku)!, sku, requestId, notes));
      ctx.memo?.set(`item:${sku}`, bySku.get(sku));
    }
  }
  return (line) => (line.sku && bySku.get(line.sku)) || { value: cfg.fallbackItemId };
}

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item#create-an-item
async function createItem(ctx: ConnectorContext, cfg: QboConfig, line: OrderLine, sku: string, requestId: string, notes: SyncNote[]): Promise<Ref> {
  const attempt = async (name: string, purpose: string): Promise<Ref> => {
    const body = { Name: name, Sku: sku, Type: "NonInventory", IncomeAccountRef: { value: cfg.incomeAccountId } };
    const rec = QboItem.parse(await write(ctx, cfg, "Item", body, await requestIdFor(requestId, purpose)));
    notes.push({ message: `Created QuickBooks item "${rec.Name}" for SKU ${sku}`, data: { itemId: rec.Id, sku, trimmed: name !== line.name.trim() } });
    return { value: rec.Id, name: rec.Name };
  };
  const name = trimToLength(line.name || sku, ITEM_NAME_MAX);
  try {
    return await attempt(name, `item:${sku}`);
  } catch (err) {
    // Item names are unique in QBO (6240). Another order's sync may have just created this SKU: adopt it.
    // Otherwise another SKU already has this name, so this one carries its SKU.
    if (!isDuplicateName(err)) throw err;
    const same = (await query(ctx, cfg, "Item", `Sku = ${quote(sku)}`, { start: 1, max: 1 })).map((r) => QboItem.parse(r))[0];
    if (same) return { value: same.Id, name: same.Name };
    const suffix = ` (${sku})`;
    return attempt(trimToLength(line.name, ITEM_NAME_MAX - suffix.length) + suffix, `item:${sku}:named`);
  }
}

/** Store sales and orders without a customer post to the walk-in customer; web customers are found by e-mail or name, or created. */
export async function resolveCustomer(ctx: ConnectorContext, cfg: QboConfig, order: Order, requestId: string, notes: SyncNote[]): Promise<Ref> {
  const c = order.customer;
  const email = c?.email?.trim();
  const name = trimToLength(c?.name?.trim() || email || "", 500);
  if (order.channel === "store" || !name) return { value: cfg.walkInCustomerId };
  const key = `customer:${(email ?? "").toLowerCase()}|${name}`;
  const known = ctx.memo?.get<Ref>(key);
  if (known) return known;
  const found = await findOrCreateCustomer(ctx, cfg, order, name, email, requestId, notes);
  ctx.memo?.set(key, found);
  return found;
}

async function findOrCreateCustomer(ctx: ConnectorContext, cfg: QboConfig, order: Order, name: string, email: string | undefined, requestId: string, notes: SyncNote[]): Promise<Ref> {
  const c = order.customer;
  // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer#query-a-customer
  if (email) {
    const byEmail = (await query(ctx, cfg, "Customer", `PrimaryEmailAddr = ${quote(email)}`, { start: 1, max: 10 })).map((r) => QboCustomer.parse(r));
    if (byEmail[0]) return { value: byEmail[0].Id, name: byEmail[0].DisplayName };
  }
  const byName = (await query(ctx, cfg, "Customer", `DisplayName = ${quote(name)}`, { start: 1, max: 10 })).map((r) => QboCustomer.parse(r));
  const sameName = byName[0];
  const nameIsFree = !sameName;
  if (sameName && (!email || !sameName.PrimaryEmailAddr?.Address || sameName.PrimaryEmailAddr.Address.toLowerCase() === email.toLowerCase())) {
    return { value: sameName.Id, name: sameName.DisplayName };
  }
  const displayName = nameIsFree ? name : trimToLength(`${name} (${email})`, 500);
  const body = { DisplayName: displayName, ...(email ? { PrimaryEmailAddr: { Address: email } } : {}), ...(c?.phone ? { PrimaryPhone: { FreeFormNumber: c.phone } } : {}) };
  // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer#create-a-customer
  let rec: QboCustomer;
  try {
    rec = QboCustomer.parse(await write(ctx, cfg, "Customer", body, await requestIdFor(requestId, `customer:${displayName}`)));
  } catch (err) {
    // 6240: another order's sync created this customer a moment ago; adopt it.
    if (!isDuplicateName(err)) throw err;
    const again = (await query(ctx, cfg, "Customer", `DisplayName = ${quote(displayName)}`, { start: 1, max: 1 })).map((r) => QboCustomer.parse(r))[0];
    if (!again) throw err;
    return { value: again.Id, name: again.DisplayName };
  }
  notes.push({ message: `Created QuickBooks customer "${displayName}"`, data: { customerId: rec.Id } });
  return { value: rec.Id, name: rec.DisplayName };
}
