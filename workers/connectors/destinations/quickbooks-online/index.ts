// QuickBooks Online destination: declaration first; the work lives in the small files beside it.
import type { DestinationConnector } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { INTUIT_HOSTS, authorize, refreshAccessToken } from "./auth";
import { qboBatch } from "./batch";
import { classify } from "./classify";
import { QboConfig, qboConfig } from "./config";
import { findByDocNumber, toDocumentRef } from "./documents";
import { list } from "./list";
import { docNumber, marker, orderReference, refundReference } from "./refs";
import { CREDIT_ENTITIES, refund } from "./refund";
import { salesEntities, upsert } from "./upsert";

export const quickbooksOnline: DestinationConnector = {
  kind: "destination",
  slug: "quickbooks-online",
  displayName: "QuickBooks Online",
  docsUrl: "https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt",
  apiVersion: "minorversion=75",
  auth: { type: "oauth2", rotatingRefreshToken: true, accessTokenTtlSeconds: 3600 },
  hosts: INTUIT_HOSTS,
  defaultBaseUrl: "https://quickbooks.api.intuit.com",
  rateLimit: { perMinute: 500, concurrency: 10 },
  /** The posting profile's apiShare, never above Intuit's own figures. */
  rateLimitFor(config) {
    const share = QboConfig.safeParse(config).data?.apiShare;
    return { perMinute: share?.perMinute ?? 500, concurrency: share?.concurrency ?? 10 };
  },
  configSchema: QboConfig,
  credentialKeys: ["clientId", "clientSecret", "refreshToken"],
  capabilities: ["upsert", "refund", "status", "void", "list", "batch"],
  batch: qboBatch,
  classify,
  authorize,
  refreshAccessToken,

  /** The order number (its last 21 characters when longer); the connection's docNumberPrefix goes in front of it. */
  orderRef: (order) => orderReference(order).value,
  /** "R" + the refund id (its end when longer than 21). */
  refundRef: (_order, r) => refundReference(r).value,

  async find(ctx, ref, kind, order) {
    const cfg = qboConfig(ctx);
    let number: string;
    try {
      number = docNumber({ value: ref, truncated: false }, cfg.docNumberPrefix).value;
    } catch (err) {
      throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: (err as Error).message });
    }
    const owner = marker(order.connectionId, order.sourceOrderId);
    const found =
      kind === "order"
        ? await findByDocNumber(ctx, cfg, salesEntities(order), number, owner)
        : await findByDocNumber(ctx, cfg, CREDIT_ENTITIES, number, `${owner}:r:`, true);
    return found ? toDocumentRef(found.kind, found.raw, cfg) : null;
  },
  upsert,
  refund,
  list,
};
