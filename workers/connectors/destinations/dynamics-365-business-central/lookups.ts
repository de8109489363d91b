// Customers and items a Business Central document refers to: mapped, found by email / number, or created.
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { Order } from "../../../../shared/model/order";
import { truncateText } from "../../../../shared/posting/text";
import { create, list, literal } from "./api";
import type { BcConfig } from "./config";
import { BcCustomer, BcItem } from "./schemas";

/** BC item numbers are Code[20] (upper case); longer SKUs cannot be item numbers and post to the fallback item. */
const ITEM_NUMBER_MAX = 20;

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_customer_get
export async function customerNumber(ctx: ConnectorContext, cfg: BcConfig, order: Order): Promise<string> {
  const email = order.customer?.email?.trim();
  if (!email || !cfg.customers.createMissing) return cfg.customers.walkIn ?? cfg.walkInCustomerNumber;
  const found = await list(ctx, cfg, "customers", `email eq ${literal(email)}`, BcCustomer);
  if (found[0]) return found[0].number;
  // https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_customer_create
  const created = await create(ctx, cfg, "customers", { displayName: truncateText(order.customer?.name ?? email, 100), email: truncateText(email, 80), type: "Person" }, BcCustomer);
  return created.number;
}

/** Resolves SKUs to item numbers once per sync: the posting profile's map, an existing item, a new one, or the fallback. */
export function itemResolver(ctx: ConnectorContext, cfg: BcConfig): (sku: string | undefined, name: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (sku, name) => {
    if (sku && cfg.items.map[sku]) return Promise.resolve(cfg.items.map[sku]!);
    const number = sku?.trim().toUpperCase();
    if (!number || number.length > ITEM_NUMBER_MAX || !cfg.items.autoCreate) return Promise.resolve(cfg.items.fallback ?? cfg.fallbackItemNumber);
    let hit = cache.get(number);
    if (!hit) {
      hit = (async () => {
        const find = async () => (await list(ctx, cfg, "items", `number eq ${literal(number)}`, BcItem))[0]?.number;
        const found = await find();
        if (found) return found;
        try {
          // https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_item_create
          const created = await create(ctx, cfg, "items", { number, displayName: truncateText(name, 100), type: "Non_x002D_Inventory" }, BcItem);
          return created.number;
        } catch (err) {
          // Another order's sync created this SKU since we looked (BC: Internal_EntityWithSameKeyExists, the item
          // number is its key): use that item instead of failing the order.
          if (!(err instanceof ConnectorError) || err.vendorCode !== "Internal_EntityWithSameKeyExists") throw err;
          const now = await find();
          if (!now) throw err;
          return now;
        }
      })();
      cache.set(number, hit);
    }
    return hit;
  };
}
