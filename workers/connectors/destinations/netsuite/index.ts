// Oracle NetSuite destination (SuiteTalk REST record API, TBA): declaration first; the work lives beside it.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { authorize, CREDENTIAL_KEYS } from "./auth";
import { classify } from "./classify";
import { NetSuiteConfig } from "./config";
import { orderExternalId, refundExternalId } from "./refs";
import { findDocument, refundOrder, upsertOrder } from "./sync";

export const netsuite: DestinationConnector = {
  kind: "destination",
  slug: "netsuite",
  displayName: "Oracle NetSuite",
  docsUrl: "https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/book_1559132836.html",
  apiVersion: "record/v1",
  auth: { type: "oauth1-tba" },
  hosts: ["*.suitetalk.api.netsuite.com"],
  defaultBaseUrl: "https://{accountHost}.suitetalk.api.netsuite.com",
  // Account-wide concurrency is the only limit NetSuite publishes (limits.md §4); the connection's share is config.
  rateLimit: { concurrency: 5 },
  rateLimitFor: (config) => ({ concurrency: NetSuiteConfig.safeParse(config).data?.concurrency ?? 5 }),
  configSchema: NetSuiteConfig,
  credentialKeys: CREDENTIAL_KEYS,
  capabilities: ["upsert", "refund", "status", "void"],
  classify,
  authorize,

  /** `<source>-<source order id>` as a NetSuite external id (the connection's docNumberPrefix goes in front). */
  orderRef: (order) => orderExternalId(order, ""),
  refundRef: (order, refund) => refundExternalId(order, refund, ""),
  find: findDocument,
  upsert: upsertOrder,
  refund: refundOrder,
};
