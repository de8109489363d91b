// OrderActor: one Durable Object per source order — dedup, monotonic apply, status table, hash-chained log, outbox.
import { DurableObject } from "cloudflare:workers";
import type { CanonicalEvent, EventType, Order, OrderStatus, Refund } from "../../shared/model/order";
import { sha256Hex } from "../../shared/webhooks/signature";
import { nextStatus, STATUS_EVENT } from "./transitions";
import type { NotifyMessage, SyncMessage } from "./messages";

export interface IngestInput {
  orderKey: string;
  source: string;
  connectionId: string;
  sourceOrderId: string;
  eventId: string;
  topic: string;
  contentHash: string;
  raw: string;
  receivedAt: string;
  events: CanonicalEvent[];
  /** Thin notification: the full order must be fetched from the source. */
  fetch?: boolean;
  destinations: string[];
}

export type IngestOutcome = "applied" | "unchanged" | "stale" | "duplicate" | "waiting" | "fetch";

export interface IngestResult {
  outcome: IngestOutcome;
  revision: number;
  status: OrderStatus | "new";
}

export interface Snapshot {
  orderKey: string;
  revision: number;
  status: OrderStatus | "new";
  order: Order | null;
  destinations: string[];
}

export interface LogEntry {
  seq: number;
  eventId: string;
  contentHash: string;
  topic: string;
  outcome: string;
  receivedAt: string;
  sourceVersion: number | null;
  hash: string;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: "event" | "transition" | "sync" | "note" | "failure";
  summary: string;
  /** JSON text of the entry's details. */
  data?: string;
}

interface State {
  orderKey: string;
  revision: number;
  status: OrderStatus | "new";
  order: Order | null;
  /** Refunds known by id, including those that arrived before their order. */
  refunds: Record<string, Refund>;
  destinations: string[];
  lastHash: string;
}

const OUTBOX_BATCH = 100;
/**
 * The outbox's retry: armed with the first row, left to fire once (a no-op when the send went through) instead of
 * being read, set and deleted around every event. Short enough that the object is usually still in memory.
 */
const ALARM_RETRY_MS = 5_000;

export class OrderActor extends DurableObject<Env> {
  private state: State | null = null;
  /** Redeliveries absorbed; kept in its own row so a duplicate never rewrites the whole snapshot. */
  private duplicates = 0;
  /** Whether this object's alarm is set: read once per activation, then kept here. */
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      // One call for the whole schema: this runs on every activation, and a new order is a new object.
      sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL, topic TEXT NOT NULL,
          outcome TEXT NOT NULL, received_at TEXT NOT NULL, source_version INTEGER, raw TEXT NOT NULL,
          prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS events_content ON events (content_hash);
        CREATE TABLE IF NOT EXISTS outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS timeline (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, summary TEXT NOT NULL, data TEXT)`);
      for (const row of sql.exec(`SELECT key, value FROM meta`)) {
        if (row.key === "state") this.state = JSON.parse(String(row.value)) as State;
        if (row.key === "duplicates") this.duplicates = Number(row.value);
      }
      if (this.state) this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Stores one verified event durably and applies it; returns before the queue send (the outbox covers that). */
  ingest(input: IngestInput): Promise<IngestResult> {
    // Events of one order apply strictly one after another, also across the awaits inside.
    const run = this.queue.then(() => this.ingestOne(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ingestOne(input: IngestInput): Promise<IngestResult> {
    const sql = this.ctx.storage.sql;
    const state = this.state ?? {
      orderKey: input.orderKey, revision: 0, status: "new" as const, order: null, refunds: {}, destinations: [], lastHash: "",
    };
    const seen = sql.exec(`SELECT 1 FROM events WHERE event_id = ? OR content_hash = ? LIMIT 1`, input.eventId, input.contentHash).toArray();
    if (seen.length > 0) {
      this.duplicates++;
      sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('duplicates', ?)`, String(this.duplicates));
      return { outcome: "duplicate", revision: state.revision, status: state.status };
    }
    const before = { revision: state.revision, status: state.status };
    state.destinations = [...new Set([...state.destinations, ...input.destinations])];
    const notes: Array<{ kind: TimelineEntry["kind"]; summary: string; data?: Record<string, unknown> }> = [];
    let outcome: IngestOutcome = input.fetch ? "fetch" : "unchanged";
    let sourceVersion: number | null = null;
    for (const ev of input.events) {
      const r = this.apply(state, ev, notes);
      if (ev.kind === "order") sourceVersion = ev.order.sourceVersion;
      outcome = rank(r) > rank(outcome) ? r : outcome;
    }
    const prevHash = state.lastHash;
    const hash = await sha256Hex(`${prevHash}|${input.eventId}|${input.contentHash}|${input.topic}|${outcome}`);
    state.lastHash = hash;
    const changed = state.revision !== before.revision;
    const now = new Date().toISOString();
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT INTO events (event_id, content_hash, topic, outcome, received_at, source_version, raw, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        input.eventId, input.contentHash, input.topic, outcome, input.receivedAt, sourceVersion, input.raw, prevHash, hash,
      );
      this.note("event", `${input.topic} → ${outcome}`, { eventId: input.eventId, sourceVersion }, now);
      for (const n of notes) this.note(n.kind, n.summary, n.data, now);
      if (before.status !== state.status) {
        this.note("transition", `${before.status} → ${state.status}`, { topic: input.topic }, now);
      }
      if (input.fetch) {
        const msg: SyncMessage = { type: "fetch", connectionId: input.connectionId, sourceOrderId: input.sourceOrderId, eventId: input.eventId };
        sql.exec(`INSERT INTO outbox (queue, body, created_at) VALUES ('sync', ?, ?)`, JSON.stringify(msg), now);
      }
      if (changed && state.order) this.enqueueChange(state, before.status, now);
      this.persist(state);
    });
    this.state = state;
    // Only a change or a fetch queues outbox rows; an event that changed nothing needs no alarm and no flush.
    if (!(changed && state.order) && !input.fetch) return { outcome, revision: state.revision, status: state.status };
    await this.armAlarm();
    // A failed send leaves the rows in the outbox; the alarm armed above re-sends them.
    this.ctx.waitUntil(this.flush().catch((err: unknown) => console.warn(JSON.stringify({ level: "warn", scope: "outbox", orderKey: state.orderKey, msg: `send failed, alarm will retry: ${String((err as Error)?.message ?? err)}` }))));
    return { outcome, revision: state.revision, status: state.status };
  }

  private apply(state: State, ev: CanonicalEvent, notes: Array<{ kind: TimelineEntry["kind"]; summary: string; data?: Record<string, unknown> }>): IngestOutcome {
    if (ev.kind === "stock") return "unchanged";
    if (ev.kind === "refund") {
      if (state.refunds[ev.refund.id]) return "unchanged";
      state.refunds[ev.refund.id] = ev.refund;
      if (!state.order) {
        notes.push({ kind: "note", summary: `refund ${ev.refund.id} arrived before its order; it waits`, data: { total: ev.refund.total } });
        return "waiting";
      }
      state.order = this.withRefunds(state.order, state.refunds);
      state.status = nextStatus(state.status, "refund.created", isFullyRefunded(state.order));
      state.revision++;
      return "applied";
    }
    const incoming = ev.order;
    const current = state.order;
    if (current && incoming.sourceVersion < current.sourceVersion) {
      notes.push({ kind: "note", summary: `late ${ev.type} (source version ${incoming.sourceVersion} < ${current.sourceVersion}) logged, not applied` });
      return "stale";
    }
    for (const r of incoming.refunds) state.refunds[r.id] ??= r;
    const merged = this.withRefunds(incoming, state.refunds);
    let status = state.status;
    for (const e of eventsFor(ev.type, incoming.status)) status = nextStatus(status, e, isFullyRefunded(merged));
    const sameVersion = current !== null && incoming.sourceVersion === current.sourceVersion;
    const contentChanged = !sameVersion || JSON.stringify({ ...current, status: null }) !== JSON.stringify({ ...merged, status: null });
    if (!contentChanged && status === state.status) return "unchanged";
    state.status = status;
    state.order = { ...merged, status: status === "new" ? incoming.status : status };
    state.revision++;
    return "applied";
  }

  private withRefunds(order: Order, refunds: Record<string, Refund>): Order {
    const byId = new Map(order.refunds.map((r) => [r.id, r]));
    for (const r of Object.values(refunds)) if (!byId.has(r.id)) byId.set(r.id, r);
    return { ...order, refunds: [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)) };
  }

  private enqueueChange(state: State, fromStatus: OrderStatus | "new", now: string): void {
    const sql = this.ctx.storage.sql;
    for (const destinationId of state.destinations) {
      const msg: SyncMessage = { type: "sync", orderKey: state.orderKey, destinationId, revision: state.revision };
      sql.exec(`INSERT INTO outbox (queue, body, created_at) VALUES ('sync', ?, ?)`, JSON.stringify(msg), now);
    }
    // The order index row rides the sync queue with the syncs (one send); the consumer writes a batch's rows at once.
    sql.exec(`INSERT INTO outbox (queue, body, created_at) VALUES ('sync', ?, ?)`, JSON.stringify(indexMessage(state)), now);
    if (fromStatus !== state.status && fromStatus !== "new" && state.order) {
      const n: NotifyMessage = {
        orderKey: state.orderKey, orderNumber: state.order.orderNumber, from: fromStatus, to: state.status,
        customerEmail: state.order.customer?.email, at: now,
      };
      const forward: SyncMessage = { type: "notify", message: n };
      sql.exec(`INSERT INTO outbox (queue, body, created_at) VALUES ('sync', ?, ?)`, JSON.stringify(forward), now);
    }
  }

  private persist(state: State): void {
    this.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('state', ?)`, JSON.stringify(state));
    this.state = state;
  }

  private note(kind: TimelineEntry["kind"], summary: string, data: Record<string, unknown> | undefined, at = new Date().toISOString()): void {
    this.ctx.storage.sql.exec(`INSERT INTO timeline (at, kind, summary, data) VALUES (?, ?, ?, ?)`, at, kind, summary, data ? JSON.stringify(data) : null);
  }

  /** Arms the outbox's retry unless it is armed already; callers have just written outbox rows. */
  private async armAlarm(): Promise<void> {
    if (this.alarmSet) return;
    this.alarmSet = true;
    try {
      await this.ctx.storage.setAlarm(Date.now() + ALARM_RETRY_MS);
    } catch (err) {
      this.alarmSet = false;
      throw err;
    }
  }

  private flushing: Promise<void> | null = null;

  /** Sends pending outbox rows; a row is deleted only after its send succeeded. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const rows = sql.exec(`SELECT id, queue, body FROM outbox ORDER BY id LIMIT ?`, OUTBOX_BATCH).toArray();
    if (rows.length === 0) return;
    const byQueue = { sync: [] as typeof rows, index: [] as typeof rows, notify: [] as typeof rows };
    for (const r of rows) byQueue[String(r.queue) as keyof typeof byQueue].push(r);
    const done: number[] = [];
    if (byQueue.sync.length > 0) {
      await this.env.SYNC_QUEUE.sendBatch(byQueue.sync.map((r) => ({ body: JSON.parse(String(r.body)) as SyncMessage, contentType: "json" as const })));
      done.push(...byQueue.sync.map((r) => Number(r.id)));
    }
    // Rows an object queued before notifications rode the sync queue go to the notify queue directly.
    if (byQueue.notify.length > 0) {
      await this.env.NOTIFY_QUEUE.sendBatch(byQueue.notify.map((r) => ({ body: JSON.parse(String(r.body)) as NotifyMessage, contentType: "json" as const })));
      done.push(...byQueue.notify.map((r) => Number(r.id)));
    }
    if (byQueue.index.length > 0) {
      // Rows an object queued before index rows rode the sync queue: the current snapshot's row replaces them.
      if (this.state?.order) await this.env.SYNC_QUEUE.send(indexMessage(this.state), { contentType: "json" });
      done.push(...byQueue.index.map((r) => Number(r.id)));
    }
    if (done.length > 0) sql.exec(`DELETE FROM outbox WHERE id IN (${done.map(() => "?").join(",")})`, ...done);
    if ((await this.pendingOutbox()) > 0) await this.doFlush();
  }

  override async alarm(): Promise<void> {
    // A fired alarm is no longer set; it is armed again only while rows remain.
    this.alarmSet = false;
    try {
      await this.flush();
    } finally {
      if ((await this.pendingOutbox()) > 0) await this.armAlarm();
    }
  }

  /** The current snapshot, for level-triggered sync. */
  async snapshot(): Promise<Snapshot | null> {
    const s = this.state;
    if (!s) return null;
    return { orderKey: s.orderKey, revision: s.revision, status: s.status, order: s.order, destinations: s.destinations };
  }

  /** Records what a destination holds now (document ids, notes such as rounding adjustments) on the timeline. */
  async recordSync(destinationId: string, entries: Array<{ summary: string; data?: Record<string, unknown>; failure?: boolean }>): Promise<void> {
    for (const e of entries) this.note(e.failure ? "failure" : "sync", `${destinationId}: ${e.summary}`, e.data);
  }

  /** Re-sends the current revision to every routed destination (admin "retry", reconciliation repair). */
  async resync(destinations?: string[]): Promise<number> {
    const s = this.state;
    if (!s?.order) return 0;
    if (destinations) s.destinations = [...new Set([...s.destinations, ...destinations])];
    const now = new Date().toISOString();
    this.ctx.storage.transactionSync(() => {
      for (const destinationId of destinations ?? s.destinations) {
        const msg: SyncMessage = { type: "sync", orderKey: s.orderKey, destinationId, revision: s.revision };
        this.ctx.storage.sql.exec(`INSERT INTO outbox (queue, body, created_at) VALUES ('sync', ?, ?)`, JSON.stringify(msg), now);
      }
      this.persist(s);
    });
    await this.armAlarm();
    await this.flush();
    return (destinations ?? s.destinations).length;
  }

  async timeline(limit = 200): Promise<{ snapshot: Snapshot | null; entries: TimelineEntry[]; events: LogEntry[]; chainValid: boolean; duplicates: number }> {
    const sql = this.ctx.storage.sql;
    const entries = sql.exec(`SELECT * FROM timeline ORDER BY seq DESC LIMIT ?`, limit).toArray().reverse().map((r) => ({
      seq: Number(r.seq), at: String(r.at), kind: String(r.kind) as TimelineEntry["kind"], summary: String(r.summary),
      data: r.data === null ? undefined : String(r.data),
    }));
    const events: LogEntry[] = sql
      .exec(`SELECT seq, event_id, content_hash, topic, outcome, received_at, source_version, hash FROM events ORDER BY seq`)
      .toArray()
      .map((r) => ({
        seq: Number(r.seq), eventId: String(r.event_id), contentHash: String(r.content_hash), topic: String(r.topic), outcome: String(r.outcome),
        receivedAt: String(r.received_at), sourceVersion: r.source_version === null ? null : Number(r.source_version), hash: String(r.hash),
      }));
    return { snapshot: await this.snapshot(), entries, events, chainValid: await this.verifyChain(), duplicates: this.duplicates };
  }

  /** Recomputes the hash chain over the stored log; false if any entry was altered or removed. */
  async verifyChain(): Promise<boolean> {
    let prev = "";
    for (const r of this.ctx.storage.sql.exec(`SELECT event_id, content_hash, topic, outcome, prev_hash, hash FROM events ORDER BY seq`)) {
      if (String(r.prev_hash) !== prev) return false;
      const h = await sha256Hex(`${prev}|${String(r.event_id)}|${String(r.content_hash)}|${String(r.topic)}|${String(r.outcome)}`);
      if (h !== String(r.hash)) return false;
      prev = h;
    }
    return true;
  }

  /** Pending outbox rows (for tests of the crash window and the admin page). */
  async pendingOutbox(): Promise<number> {
    return this.ctx.storage.sql.exec(`SELECT count(*) AS n FROM outbox`).one().n as number;
  }
}

function rank(o: IngestOutcome): number {
  return { duplicate: 0, unchanged: 1, stale: 2, fetch: 3, waiting: 4, applied: 5 }[o];
}

/** The topic's own event, then the event the snapshot's status implies (a generic update can carry a shipment). */
function eventsFor(type: EventType, status: OrderStatus): EventType[] {
  const implied = STATUS_EVENT[status];
  return implied === type ? [type] : [type, implied];
}

function isFullyRefunded(order: Order): boolean {
  if (order.financialStatus === "refunded") return true;
  const refunded = order.refunds.reduce((n, r) => n + r.total, 0);
  return order.totals.total > 0 && refunded >= order.totals.total;
}

/** The snapshot's row in D1's order index, as a sync-queue message. */
function indexMessage(s: State): SyncMessage {
  const o = s.order!;
  return {
    type: "index",
    row: {
      orderKey: s.orderKey, connectionId: o.connectionId, source: o.source, sourceOrderId: o.sourceOrderId, orderNumber: o.orderNumber,
      status: s.status === "new" ? o.status : s.status, total: o.totals.total, currency: o.currency, sourceVersion: o.sourceVersion,
      revision: s.revision, refunds: o.refunds.length, sourceUpdatedAt: o.updatedAt,
    },
  };
}
