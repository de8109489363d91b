// D1 schema (drizzle): connections, routes, links, failures, quarantine, order index, cursors, runs, counters.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const connections = sqliteTable("connections", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull(),
  role: text("role", { enum: ["source", "destination"] }).notNull(),
  name: text("name").notNull(),
  /** Non-secret settings as JSON (realm id, shop domain, posting profile). */
  config: text("config").notNull().default("{}"),
  /** AES-GCM sealed JSON of secrets (webhook secret, client secret, refresh token). */
  credentials: text("credentials").notNull(),
  /** Base-URL override (the sandbox); accepted only if on the ALLOWED_BASE_URL_OVERRIDES list. */
  baseUrl: text("base_url"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
});

export const routes = sqliteTable(
  "routes",
  {
    sourceConnectionId: text("source_connection_id").notNull().references(() => connections.id),
    destinationConnectionId: text("destination_connection_id").notNull().references(() => connections.id),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.sourceConnectionId, t.destinationConnectionId] })],
);

/** One row per (order, destination, document): the deterministic link that makes writes exactly-once. */
export const links = sqliteTable(
  "links",
  {
    orderKey: text("order_key").notNull(),
    destinationConnectionId: text("destination_connection_id").notNull(),
    /** "order" for the main document, "refund:<id>" for each refund's credit document. */
    docKey: text("doc_key").notNull(),
    docKind: text("doc_kind").notNull(),
    docId: text("doc_id").notNull(),
    externalRef: text("external_ref").notNull(),
    syncedVersion: integer("synced_version").notNull(),
    total: integer("total").notNull(),
    currency: text("currency").notNull(),
    docVersion: text("doc_version"),
    state: text("state"),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    primaryKey({ columns: [t.orderKey, t.destinationConnectionId, t.docKey] }),
    index("links_destination").on(t.destinationConnectionId, t.docKind),
    index("links_document").on(t.destinationConnectionId, t.docId),
  ],
);

export const failures = sqliteTable(
  "failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderKey: text("order_key").notNull(),
    destinationConnectionId: text("destination_connection_id").notNull(),
    kind: text("kind").notNull(),
    vendorCode: text("vendor_code"),
    message: text("message").notNull(),
    body: text("body"),
    attempts: integer("attempts").notNull().default(1),
    status: text("status", { enum: ["open", "resolved", "retrying"] }).notNull().default("open"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("failures_order_destination").on(t.orderKey, t.destinationConnectionId), index("failures_status").on(t.status)],
);

/** Verified payloads that could not be turned into canonical events; kept for the admin page and replay. */
export const quarantine = sqliteTable(
  "quarantine",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    connectionId: text("connection_id").notNull(),
    source: text("source").notNull(),
    topic: text("topic"),
    eventId: text("event_id"),
    reason: text("reason").notNull(),
    raw: text("raw").notNull(),
    receivedAt: text("received_at").notNull().default(now),
    resolved: integer("resolved", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("quarantine_connection").on(t.connectionId)],
);

/** Searchable index of orders (the OrderActor owns the truth; this is its projection for admin and reconciliation). */
export const orders = sqliteTable(
  "orders",
  {
    orderKey: text("order_key").primaryKey(),
    connectionId: text("connection_id").notNull(),
    source: text("source").notNull(),
    sourceOrderId: text("source_order_id").notNull(),
    orderNumber: text("order_number").notNull(),
    status: text("status").notNull(),
    total: integer("total").notNull(),
    currency: text("currency").notNull(),
    sourceVersion: integer("source_version").notNull(),
    /** The OrderActor's revision; a link whose synced_version is lower is behind. */
    revision: integer("revision").notNull().default(0),
    /** Refunds the order holds: each needs a credit-document link ("refund:<id>") at every refund-capable destination. */
    refunds: integer("refunds").notNull().default(0),
    sourceUpdatedAt: text("source_updated_at").notNull(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("orders_connection_updated").on(t.connectionId, t.sourceUpdatedAt), index("orders_updated").on(t.updatedAt)],
);

/** Polling / sweep cursors per source connection. */
export const cursors = sqliteTable("cursors", {
  connectionId: text("connection_id").primaryKey(),
  cursor: text("cursor").notNull(),
  updatedAt: text("updated_at").notNull().default(now),
});

/** Reconciliation and polling runs with their reports. */
export const runs = sqliteTable(
  "runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    status: text("status", { enum: ["running", "ok", "failed"] }).notNull(),
    startedAt: text("started_at").notNull().default(now),
    finishedAt: text("finished_at"),
    stats: text("stats").notNull().default("{}"),
    report: text("report").notNull().default("[]"),
  },
  (t) => [index("runs_started").on(t.startedAt)],
);

/** Counters shown in admin (unknown topics, duplicates, quarantined events) per connection. */
export const counters = sqliteTable(
  "counters",
  {
    connectionId: text("connection_id").notNull(),
    name: text("name").notNull(),
    value: integer("value").notNull().default(0),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.name] })],
);

/** Latest stock level per (source connection, sku, location). */
export const stock = sqliteTable(
  "stock",
  {
    connectionId: text("connection_id").notNull(),
    sku: text("sku").notNull(),
    locationId: text("location_id").notNull(),
    available: text("available").notNull(),
    onHand: text("on_hand"),
    sourceUpdatedAt: text("source_updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.sku, t.locationId] })],
);
