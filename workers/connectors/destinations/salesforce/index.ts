// Salesforce destination: Order + OrderItem upserted by External ID in one composite graph; refunds as credit orders.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { refreshAccessToken } from "./auth";
import { classify } from "./classify";
import { SfConfig, sfConfig } from "./config";
import { createCreditOrder, externalRef, findOrder, orderReference, refundReference, upsertOrder } from "./documents";

export const salesforce: DestinationConnector = {
  kind: "destination",
  slug: "salesforce",
  displayName: "Salesforce",
  docsUrl: "https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph.htm",
  apiVersion: "v62.0",
  auth: { type: "oauth2", rotatingRefreshToken: false, accessTokenTtlSeconds: 7200 },
  hosts: ["*.my.salesforce.com"],
  defaultBaseUrl: "https://{myDomain}.my.salesforce.com",
  // Daily allocation: 100,000 + per-licence adder per rolling 24 h; 25 concurrent long-running requests (limits.md §4).
  rateLimit: { perDay: 100_000, concurrency: 25 },
  configSchema: SfConfig,
  credentialKeys: ["clientId", "clientSecret"],
  capabilities: ["upsert", "refund", "status", "void"],
  classify,

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/quickstart_oauth.htm (Authorization: Bearer)
  authorize(req, auth) {
    if (auth.accessToken) req.headers.authorization = `Bearer ${auth.accessToken}`;
  },
  refreshAccessToken,

  /** The order number (its end when longer); the connection's docNumberPrefix goes in front of it. */
  orderRef: (order) => orderReference(order),
  refundRef: (_order, refund) => refundReference(refund),

  find(ctx, ref, kind, order) {
    const cfg = sfConfig(ctx);
    return findOrder(ctx, cfg, externalRef(cfg, ref), kind === "order" ? "Order" : "CreditOrder", order.currency);
  },

  upsert(ctx, order, existing) {
    return upsertOrder(ctx, sfConfig(ctx), order, existing);
  },

  refund(ctx, order, refund, parent) {
    return createCreditOrder(ctx, sfConfig(ctx), order, refund, parent);
  },
};
