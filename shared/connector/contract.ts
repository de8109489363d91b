// The connector contract: a declaration plus pure functions. Connectors never touch bindings.
import type { z } from "zod";
import type { HttpClient } from "./http";
import type { ErrorDetail } from "./errors";
import type { CanonicalEvent, Order, Refund, StockLevel } from "../model/order";
import type { HttpRequest, HttpResponse } from "./http";
import type { LookupMemo } from "./memo";

export interface Logger {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export interface Clock {
  now(): Date;
}

/** A connection as a connector sees it: non-secret settings and decrypted credentials, never bindings. */
export interface ConnectionView {
  id: string;
  slug: string;
  /** Non-secret settings (realm id, tenant id, shop domain, posting profile). */
  config: Record<string, unknown>;
  /** Decrypted credentials, for signing (OAuth 1.0a) and login calls. */
  credentials: Record<string, string>;
}

export interface ConnectorContext {
  http: HttpClient;
  clock: Clock;
  log: Logger;
  connection: ConnectionView;
  /**
   * References this connection looked up before (the ConnectionActor keeps one per destination connection). Absent
   * outside the actor; a connector that uses it must clear it when the vendor refuses a remembered reference.
   */
  memo?: LookupMemo;
}

export type AuthScheme =
  | { type: "oauth2"; rotatingRefreshToken: boolean; accessTokenTtlSeconds: number }
  | { type: "oauth1-tba" }
  | { type: "api-key"; header: string }
  | { type: "basic" }
  | { type: "session"; loginPath: string }
  | { type: "none" };

export interface RateLimit {
  perMinute?: number;
  perSecond?: number;
  perDay?: number;
  concurrency?: number;
}

interface Declaration {
  slug: string;
  displayName: string;
  docsUrl: string;
  /** Pinned vendor API version. */
  apiVersion: string;
  auth: AuthScheme;
  /** Hosts a connection may reach (the vendor's own); a base-URL override must also pass the env allowlist. */
  hosts: readonly string[];
  /** The vendor's API base; `{name}` placeholders are filled from the connection config ("https://{shopDomain}"). */
  defaultBaseUrl: string;
  rateLimit: RateLimit;
  /** The limit for one connection when it depends on its settings (a NetSuite account's concurrency share); else `rateLimit`. */
  rateLimitFor?(config: Record<string, unknown>): RateLimit;
  /** zod schema of the connection's non-secret config. */
  configSchema: z.ZodType;
  /** Names of the credentials the connection must hold. */
  credentialKeys: readonly string[];
  classify(res: HttpResponse): ErrorDetail | null;
  /** Adds auth to a request using the connection's credentials (and a live access token where OAuth 2). */
  authorize?(req: { url: string; method: string; headers: Record<string, string>; body?: string }, auth: AuthMaterial): Promise<void> | void;
  /**
   * Obtains a short-lived credential: OAuth 2 refresh or client-credentials token, a login session (SAP B1
   * `B1SESSION`/`ROUTEID` cookies, Intacct session id), a CSRF token with its cookies (S/4HANA). The
   * ConnectionActor calls it single-flight, caches the result until `expiresAt`, calls it again after an `auth`
   * error, and persists a returned `refreshToken` (rotating vendors) before the token is used. The result reaches
   * `authorize` as `AuthMaterial.accessToken` (encode several values in it as JSON when needed).
   */
  refreshAccessToken?(ctx: ConnectorContext): Promise<TokenSet>;
}

export interface AuthMaterial {
  credentials: Record<string, string>;
  config: Record<string, unknown>;
  accessToken?: string;
  now: Date;
}

export interface TokenSet {
  accessToken: string;
  /** Unix ms when the access token expires. */
  expiresAt: number;
  /** The newest refresh token (rotating vendors return a new one each time). */
  refreshToken?: string;
}

// ---------------------------------------------------------------- sources

export type SourceCapability = "webhooks" | "poll" | "fetchOrder" | "refunds" | "fulfillments" | "stock";

export interface WebhookInput {
  raw: Uint8Array;
  headers: Headers;
  /** The exact URL the vendor posted to (Square signs it). */
  url: string;
  now: Date;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface WebhookIdentity {
  /** The vendor's event id for dedup (or a deterministic id built from object id + modified time/version). */
  eventId: string;
  topic: string;
  /** Source order id the event belongs to; absent for events not about an order (stock). */
  sourceOrderId?: string;
  /** Other routing key when there is no order (stock: "sku@location"). */
  objectKey?: string;
  occurredAt?: string;
}

/** What a topic means: a canonical event type, a thin notification whose object must be fetched, or nothing. */
export type TopicAction =
  | { kind: "event"; type: import("../model/order").EventType }
  | { kind: "fetch" }
  /** Answered 2xx and not stored as an order; `note` keeps the payload in quarantine for a person to read. */
  | { kind: "ignore"; note?: string };

export interface NormalizeInput {
  topic: string;
  payload: unknown;
  connectionId: string;
  receivedAt: string;
  config: Record<string, unknown>;
}

export interface PollResult {
  events: CanonicalEvent[];
  /** Cursor to persist; the next run resumes from it (with the connector's overlap window). */
  cursor: string;
  /** More pages remain for this run. */
  hasMore: boolean;
  /** Records read but not usable (a cent unaccounted for): the cron quarantines them instead of stalling the sweep. */
  rejected?: Array<{ sourceOrderId: string; reason: string; raw: string }>;
}

export interface StockPollResult {
  levels: StockLevel[];
  /** Cursor for the next sweep (null: none yet, the next sweep reads every level again). */
  cursor: string | null;
}

export interface SourceConnector extends Declaration {
  kind: "source";
  capabilities: readonly SourceCapability[];
  webhook?: {
    /** Header names that must be present (case-insensitive). */
    requiredHeaders: readonly string[];
    /** Which credential holds the webhook secret. */
    secretKey: string;
    /** Seconds a signed timestamp may be off; undefined when the vendor signs none. */
    freshnessSeconds?: number;
    verify(input: WebhookInput, secret: string): Promise<VerifyResult>;
    identify(input: WebhookInput, payload: unknown): WebhookIdentity;
    /**
     * Notifications that name several objects at once (Clover batches order ids per merchant): one identity per
     * object. Only `fetch` topics may use it; each object is fetched and ingested on its own.
     */
    identifyAll?(input: WebhookInput, payload: unknown): WebhookIdentity[];
    /**
     * An `event` topic whose payload lacks something only the vendor's API holds (a Shopify order paid with several
     * gateways names them but carries no transactions, so the split is unknown): true stores the delivery as a thin
     * notification and the order is fetched with `fetchOrder` instead of normalized from the payload.
     */
    fetchInstead?(identity: WebhookIdentity, payload: unknown): boolean;
    /** Parses the raw body into the vendor payload (JSON, form-encoded, …). */
    parse(input: WebhookInput): unknown;
  };
  topics: Record<string, TopicAction>;
  /**
   * Vendor payload → canonical events; throws NormalizeError when a cent cannot be accounted for. The events come
   * back already run through the CanonicalEvent schema (defaults applied; a mismatch is a NormalizeError naming the
   * connector): ingest does not parse them a second time.
   */
  normalize(input: NormalizeInput): CanonicalEvent[];
  fetchOrder?(ctx: ConnectorContext, sourceOrderId: string): Promise<CanonicalEvent[]>;
  poll?(ctx: ConnectorContext, cursor: string | null): Promise<PollResult>;
  /**
   * Stock levels changed since the cursor (every level on the first sweep), for the cron's sweep: a dropped stock
   * webhook is repaired by the next run instead of waiting for the level's next change.
   */
  pollStock?(ctx: ConnectorContext, cursor: string | null): Promise<StockPollResult>;
}

// ---------------------------------------------------------------- destinations

export type DestinationCapability = "upsert" | "refund" | "status" | "void" | "list" | "batch";

/** A document held by a destination, as far as OrderMesh tracks it. */
export interface DocumentRef {
  /** Vendor entity (SalesReceipt, Invoice, RefundReceipt, CreditMemo, ...). */
  kind: string;
  id: string;
  /** The deterministic external reference written on the document (order number, refund reference). */
  externalRef: string;
  /** Document total in minor units, as the vendor computed it. */
  total: number;
  currency: string;
  /** Vendor concurrency token (SyncToken, ETag) when it has one. */
  version?: string;
  /** Vendor document state (open, paid, voided, shipped). */
  state?: string;
}

export interface SyncNote {
  /** Written to the order's timeline (rounding adjustments, tax locks, adoption of an existing document). */
  message: string;
  data?: Record<string, unknown>;
}

export interface SyncResult {
  doc: DocumentRef;
  notes: SyncNote[];
}

/** One request the coalescer holds for a batch: the connector's request and its resolved URL. */
export interface BatchableRequest {
  req: HttpRequest;
  url: URL;
}

/**
 * How a destination's single requests travel together in one vendor batch request while a backlog builds
 * (QuickBooks `/batch`). A transport optimisation only: every caller gets the response its single request would
 * have got, and the connector's `classify` turns it into the same error.
 */
export interface BatchTransport {
  /** Most operations one batch request may carry. */
  maxOperations: number;
  /**
   * Batch requests the vendor accepts per minute per tenant; beyond it requests travel alone. Absent when the vendor
   * has no separate allowance (a batch request counts as one request against the connection's budget).
   */
  perMinute?: number;
  /**
   * The lane a request may share a batch with (same tenant, API version and idempotency regime), or null when it
   * must travel alone.
   */
  lane(item: BatchableRequest): string | null;
  /** One vendor request carrying `items` (all of one lane), in order. */
  combine(items: readonly BatchableRequest[]): Promise<HttpRequest>;
  /**
   * The vendor's answer as one response per item, in order (undefined where the answer lacks the item), or null
   * when it is no batch answer at all — the batch failed as a whole and each caller gets `res` itself.
   */
  split(res: HttpResponse, items: readonly BatchableRequest[]): Array<HttpResponse | undefined> | null;
}

/** What the caller already knows, so a connector can skip work it would otherwise repeat. */
export interface UpsertHints {
  /** `find` ran just now for this order and found nothing: `existing` is null because there is no document. */
  searched?: boolean;
}

export interface DestinationConnector extends Declaration {
  kind: "destination";
  capabilities: readonly DestinationCapability[];
  /** Present with the "batch" capability: how requests coalesce into vendor batch requests under a backlog. */
  batch?: BatchTransport;
  /** The deterministic reference for an order's main document. */
  orderRef(order: Order): string;
  /** The deterministic reference for a refund's credit document. */
  refundRef(order: Order, refund: Refund): string;
  /** Finds a document by external reference (before create, so a lost link adopts instead of duplicating). */
  find(ctx: ConnectorContext, ref: string, kind: "order" | "refund", order: Order): Promise<DocumentRef | null>;
  /** Creates or converges the order's main document (including voids for cancelled orders). */
  upsert(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, requestId: string, hints?: UpsertHints): Promise<SyncResult>;
  /** Creates the credit document for one refund. */
  refund(ctx: ConnectorContext, order: Order, refund: Refund, parent: DocumentRef | null, requestId: string): Promise<SyncResult>;
  /** Lists documents changed since an instant, for reconciliation. */
  list?(ctx: ConnectorContext, since: Date, cursor: string | null): Promise<{ docs: DocumentRef[]; cursor: string | null }>;
}

export type Connector = SourceConnector | DestinationConnector;
