// The PrestaShop source connector: declaration, the webservice poll sweep (JSON or XML output), and order normalization.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { API_VERSION, authorize, classify } from "./http";
import { normalizeOrder, USUAL_STATES } from "./normalize";
import { fetchOrder, MAX_PAGE, poll, type PollSettings } from "./poll";
import { STATE_MEANING, SYMBOLIC_STATES } from "./states";

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const PrestaShopConfig = z.object({
  /** The shop's host ("shop.example.com"); a shop in a subfolder is reached through the connection's base URL. */
  shopDomain: z.string().regex(/^[a-z0-9][a-z0-9.-]*(:\d+)?$/i, "a host name such as shop.example.com"),
  /** The webservice output format to read: JSON (output_format=JSON) or XML (the default of the webservice). */
  outputFormat: z.enum(["JSON", "XML"]).default("JSON"),
  /** The shop's IANA time zone: webservice dates carry no offset. */
  timeZone: z.string().refine(validTimeZone, "an IANA time zone such as Europe/Paris").default("UTC"),
  /** Multistore: only this shop's orders (id_shop). */
  shopId: z.string().regex(/^\d+$/).optional(),
  /** id_currency → ISO code; read from /api/currencies when absent. */
  currencies: z.record(z.string().regex(/^\d+$/), CurrencyCode).optional(),
  /** order state id → default state it is; read from /api/order_states when absent. */
  orderStates: z.record(z.string().regex(/^\d+$/), z.enum(SYMBOLIC_STATES)).optional(),
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
  pollLookbackDays: z.number().int().min(1).max(365).optional(),
});

/** No order webhooks in PrestaShop core (sources.md §9): the one record type the sweep reads is an order. */
export const TOPICS: Record<string, TopicAction> = {
  orders: { kind: "event", type: "order.updated" },
};

function settings(config: Record<string, unknown>): PollSettings {
  const c = PrestaShopConfig.parse(config);
  return {
    outputFormat: c.outputFormat,
    timeZone: c.timeZone,
    shopId: c.shopId,
    currencies: c.currencies,
    orderStates: c.orderStates,
    pageSize: c.pollPageSize ?? MAX_PAGE,
    lookbackDays: c.pollLookbackDays ?? 30,
  };
}

export const prestashop: SourceConnector = {
  kind: "source",
  slug: "prestashop",
  displayName: "PrestaShop",
  docsUrl: "https://devdocs.prestashop-project.org/8/webservice/resources/orders/",
  apiVersion: API_VERSION,
  auth: { type: "basic" },
  // Every shop is its own site: the host comes from the connection (as WooCommerce's does).
  hosts: ["{shopDomain}"],
  defaultBaseUrl: "https://{shopDomain}",
  // PrestaShop core applies no webservice rate limit (UNVERIFIED; hosts and WAFs add their own): one page at a time.
  rateLimit: { concurrency: 1 },
  configSchema: PrestaShopConfig,
  credentialKeys: ["webserviceKey"],
  classify,
  authorize,
  capabilities: ["poll", "fetchOrder", "refunds", "fulfillments"],
  topics: TOPICS,
  /**
   * One order record as the JSON output format gives it (refunds, payments and tracking come with the poll sweep,
   * which reads order_slip, order_payments and order_carriers beside each page). Currencies and states come from the
   * connection config; without them the usual install ids apply.
   */
  normalize({ topic, payload, connectionId, config }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`PrestaShop resource "${topic}" is not one OrderMesh maps`);
    const c = PrestaShopConfig.pick({ timeZone: true, currencies: true, orderStates: true }).parse(config);
    const states = c.orderStates ? Object.fromEntries(Object.entries(c.orderStates).map(([id, sym]) => [id, STATE_MEANING[sym]])) : USUAL_STATES;
    return [normalizeOrder(payload, { connectionId, currencies: c.currencies ?? {}, states, timeZone: c.timeZone }, undefined, action.type)];
  },
  fetchOrder(ctx, sourceOrderId) {
    return fetchOrder(ctx, settings(ctx.connection.config), sourceOrderId);
  },
  poll(ctx, cursor) {
    return poll(ctx, cursor, settings(ctx.connection.config));
  },
};
