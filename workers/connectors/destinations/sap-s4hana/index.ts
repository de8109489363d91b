// SAP S/4HANA destination (OData V2 API_SALES_ORDER_SRV, API_CREDIT_MEMO_REQUEST_SRV): declaration first; the work lives beside it.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { authorize, CREDENTIAL_KEYS, refreshAccessToken } from "./auth";
import { classify } from "./classify";
import { S4Config } from "./config";
import { findDocument, listDocuments, orderReference, refundOrder, refundReference, upsertOrder } from "./sync";

export const sapS4hana: DestinationConnector = {
  kind: "destination",
  slug: "sap-s4hana",
  displayName: "SAP S/4HANA",
  docsUrl: "https://api.sap.com/api/API_SALES_ORDER_SRV/overview",
  apiVersion: "API_SALES_ORDER_SRV (OData V2)",
  auth: { type: "basic" },
  // S/4HANA Cloud API hosts (my<tenant>-api.s4hana.ondemand.com); an on-premise system is reached through the connection's
  // base URL (which must be on ALLOWED_BASE_URL_OVERRIDES).
  hosts: ["*.s4hana.ondemand.com"],
  defaultBaseUrl: "https://{tenant}-api.s4hana.ondemand.com",
  // SAP publishes no rate limit for these APIs (destinations.md §10); a few requests in flight per connection.
  rateLimit: { concurrency: 5 },
  rateLimitFor: (config) => ({ concurrency: S4Config.safeParse(config).data?.concurrency ?? 5 }),
  configSchema: S4Config,
  credentialKeys: CREDENTIAL_KEYS,
  capabilities: ["upsert", "refund", "status", "void", "list"],
  classify,
  authorize,
  refreshAccessToken,

  /** The order number as PurchaseOrderByCustomer (35 characters; the connection's docNumberPrefix goes in front). */
  orderRef: (order) => orderReference(order),
  refundRef: (order, refund) => refundReference(order, refund),
  find: findDocument,
  upsert: upsertOrder,
  refund: refundOrder,
  list: listDocuments,
};
