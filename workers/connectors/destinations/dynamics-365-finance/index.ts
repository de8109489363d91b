// Microsoft Dynamics 365 Finance & Operations destination: SalesOrderHeadersV2 + SalesOrderLines data entities over OData.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { ENTRA_HOST, clientCredentialsToken, tokenEndpoint } from "../shared-entra/entra";
import { classify } from "./classify";
import { FoConfig, foConfig } from "./config";
import { createCreditNote, externalRef, findByReference, orderReference, refundReference, upsertOrder } from "./documents";

export const dynamics365Finance: DestinationConnector = {
  kind: "destination",
  slug: "dynamics-365-finance",
  displayName: "Microsoft Dynamics 365 Finance & Operations",
  docsUrl: "https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/odata",
  apiVersion: "OData v4 data entities (SalesOrderHeaderV2, SalesOrderLineV2)",
  auth: { type: "oauth2", rotatingRefreshToken: false, accessTokenTtlSeconds: 3599 },
  hosts: ["*.operations.dynamics.com", ENTRA_HOST],
  defaultBaseUrl: "https://{environment}.operations.dynamics.com",
  // Resource-based service protection answers 429 + Retry-After; the entities say "single thread recommended", so few
  // requests in flight (https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/service-protection-api-limits).
  rateLimit: { perMinute: 1200, concurrency: 4 },
  configSchema: FoConfig,
  credentialKeys: ["clientId", "clientSecret"],
  capabilities: ["upsert", "refund", "status", "void"],
  classify,

  // https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/services-home-page#authentication
  authorize(req, auth) {
    if (auth.accessToken) req.headers.authorization = `Bearer ${auth.accessToken}`;
  },

  refreshAccessToken(ctx) {
    const cfg = foConfig(ctx);
    return clientCredentialsToken(ctx, {
      tokenUrl: tokenEndpoint(ctx, cfg.tenantId, cfg.tokenUrl, ["*.operations.dynamics.com"]),
      scope: `https://${cfg.environment}.operations.dynamics.com/.default`,
      product: "Finance & Operations",
    });
  },

  /** The order number (its end when longer than 60); the connection's docNumberPrefix goes in front of it. */
  orderRef: (order) => orderReference(order),
  refundRef: (_order, refund) => refundReference(refund),

  find(ctx, ref, kind, order) {
    const cfg = foConfig(ctx);
    return findByReference(ctx, cfg, externalRef(cfg, ref), kind === "order" ? "SalesOrder" : "CreditNote", order.currency);
  },

  upsert(ctx, order, existing) {
    return upsertOrder(ctx, foConfig(ctx), order, existing);
  },

  refund(ctx, order, refund, parent) {
    return createCreditNote(ctx, foConfig(ctx), order, refund, parent);
  },
};
