// Microsoft Dynamics 365 Business Central (API v2.0) destination: sales orders with deep-inserted lines, credit memos.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { ENTRA_HOST, clientCredentialsToken, tokenEndpoint } from "../shared-entra/entra";
import { classify } from "./classify";
import { BcConfig, bcConfig } from "./config";
import { createCredit, externalRef, findCredit, findOrder, orderReference, refundReference, upsertOrder } from "./documents";

const API_HOST = "api.businesscentral.dynamics.com";

export const dynamics365BusinessCentral: DestinationConnector = {
  kind: "destination",
  slug: "dynamics-365-business-central",
  displayName: "Microsoft Dynamics 365 Business Central",
  docsUrl: "https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/",
  apiVersion: "v2.0",
  auth: { type: "oauth2", rotatingRefreshToken: false, accessTokenTtlSeconds: 3599 },
  hosts: [API_HOST, ENTRA_HOST],
  defaultBaseUrl: `https://${API_HOST}`,
  // 6,000 requests per 5-minute sliding window per user / service principal, 100 simultaneous requests
  // (https://learn.microsoft.com/en-us/training/modules/work-with-api/4-limits/).
  rateLimit: { perMinute: 1200, concurrency: 100 },
  configSchema: BcConfig,
  credentialKeys: ["clientId", "clientSecret"],
  capabilities: ["upsert", "refund", "status", "void"],
  classify,

  // https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/developer/devenv-develop-connect-apps#AAD
  authorize(req, auth) {
    if (auth.accessToken) req.headers.authorization = `Bearer ${auth.accessToken}`;
  },

  // Scope https://api.businesscentral.dynamics.com/.default (service-to-service authentication, client credentials).
  refreshAccessToken(ctx) {
    const cfg = bcConfig(ctx);
    return clientCredentialsToken(ctx, { tokenUrl: tokenEndpoint(ctx, cfg.tenantId, cfg.tokenUrl, [API_HOST]), scope: `https://${API_HOST}/.default`, product: "Business Central" });
  },

  /** The order number (its end when longer than 35); the connection's docNumberPrefix goes in front of it. */
  orderRef: (order) => orderReference(order),
  /** "R" + the refund id. */
  refundRef: (_order, refund) => refundReference(refund),

  async find(ctx, ref, kind, order) {
    const cfg = bcConfig(ctx);
    const stored = externalRef(cfg, ref);
    return kind === "order" ? findOrder(ctx, cfg, stored, order.currency) : findCredit(ctx, cfg, stored, order.currency);
  },

  upsert(ctx, order, existing) {
    return upsertOrder(ctx, bcConfig(ctx), order, existing);
  },

  refund(ctx, order, refund, parent) {
    return createCredit(ctx, bcConfig(ctx), order, refund, parent);
  },
};
