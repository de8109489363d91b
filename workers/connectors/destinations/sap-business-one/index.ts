// SAP Business One destination (Service Layer /b1s/v1): declaration first; the work lives beside it.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { authorize, CREDENTIAL_KEYS, refreshAccessToken } from "./auth";
import { classify } from "./classify";
import { SapB1Config } from "./config";
import { orderNumAtCard, refundNumAtCard } from "./refs";
import { findDocument, listDocuments, refundOrder, upsertOrder } from "./sync";

export const sapBusinessOne: DestinationConnector = {
  kind: "destination",
  slug: "sap-business-one",
  displayName: "SAP Business One",
  docsUrl: "https://help.sap.com/doc/fc2f5477516c404c8bf9ad1315a17238/10.0/en-US/Working_with_SAP_Business_One_Service_Layer.pdf",
  apiVersion: "b1s/v1",
  auth: { type: "session", loginPath: "/b1s/v1/Login" },
  // The Service Layer runs on the customer's (or hosting partner's) server: its host comes from the connection's
  // config (`serviceLayerHost`, "b1.example.com:50000"), the only host the connection may reach.
  hosts: ["{serviceLayerHost}"],
  defaultBaseUrl: "https://{serviceLayerHost}",
  // No published rate limit (limits.md §4); a few requests in flight per connection keep a small server responsive.
  rateLimit: { concurrency: 4 },
  rateLimitFor: (config) => ({ concurrency: SapB1Config.safeParse(config).data?.concurrency ?? 4 }),
  configSchema: SapB1Config,
  credentialKeys: CREDENTIAL_KEYS,
  capabilities: ["upsert", "refund", "status", "void", "list"],
  classify,
  authorize,
  refreshAccessToken,

  /** The order number as NumAtCard (the connection's docNumberPrefix goes in front). */
  orderRef: (order) => orderNumAtCard(order),
  refundRef: (order, refund) => refundNumAtCard(order, refund),
  find: findDocument,
  upsert: upsertOrder,
  refund: refundOrder,
  list: listDocuments,
};
