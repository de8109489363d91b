// Odoo destination: sale.order by client_order_ref over XML-RPC (≤ 18) or JSON-2 (19+), credit notes as out_refund moves.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { classify } from "./classify";
import { OdooConfig, odooConfig, usesJson2 } from "./config";
import { createCreditNote, externalRef, findCredit, findOrder, orderReference, refundReference, upsertOrder } from "./documents";

export const odoo: DestinationConnector = {
  kind: "destination",
  slug: "odoo",
  displayName: "Odoo",
  docsUrl: "https://www.odoo.com/documentation/19.0/developer/reference/external_api.html",
  apiVersion: "XML-RPC execute_kw (≤ 18) / JSON-2 (19+)",
  auth: { type: "api-key", header: "authorization" },
  // Odoo Online databases; a self-hosted server is reached through an approved base-URL override.
  hosts: ["*.odoo.com"],
  defaultBaseUrl: "https://{subdomain}.odoo.com",
  // No published limits (destinations.md §4); each JSON-2 call is its own transaction, so keep few in flight.
  rateLimit: { perSecond: 10, concurrency: 4 },
  configSchema: OdooConfig,
  credentialKeys: ["apiKey"],
  capabilities: ["upsert", "refund", "status", "void"],
  classify,

  // JSON-2: `Authorization: bearer <api key>`; XML-RPC carries the key inside each execute_kw call instead.
  authorize(req, auth) {
    const cfg = OdooConfig.safeParse(auth.config);
    if (cfg.success && usesJson2(cfg.data) && auth.credentials.apiKey) req.headers.authorization = `bearer ${auth.credentials.apiKey}`;
  },

  orderRef: (order) => orderReference(order),
  refundRef: (_order, refund) => refundReference(refund),

  find(ctx, ref, kind, order) {
    const cfg = odooConfig(ctx);
    return kind === "order" ? findOrder(ctx, cfg, externalRef(cfg, ref), order.currency) : findCredit(ctx, cfg, externalRef(cfg, ref), order.currency);
  },

  upsert(ctx, order, existing) {
    return upsertOrder(ctx, odooConfig(ctx), order, existing);
  },

  refund(ctx, order, refund, parent) {
    return createCreditNote(ctx, odooConfig(ctx), order, refund, parent);
  },
};
