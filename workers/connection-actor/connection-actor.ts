// ConnectionActor: one Durable Object per destination connection — budget, single-flight OAuth refresh, convergence.
import { DurableObject } from "cloudflare:workers";
import type { DestinationConnector, TokenSet } from "../../shared/connector/contract";
import { ConnectorError, type ErrorDetail } from "../../shared/connector/errors";
import { LookupMemo } from "../../shared/connector/memo";
import { connectorContext, forgetConnection, loadConnection, updateCredentials, type LoadedConnection } from "../connections";
import { destinationConnector } from "../connectors/registry";
import { converge } from "../dispatch/converge";
import { clearFailure, recordFailure } from "../dispatch/failures";
import { Coalescer } from "./batcher";
import { Budget, honourRateLimit, kindOf } from "./budget";

/** Storage key prefix of the rolling day's per-minute request counts. */
const DAY_PREFIX = "budget-day:";

export type SyncOutcome =
  | { result: "ok"; documents: number; upToDate: boolean }
  | { result: "retry"; delaySeconds: number; error: ErrorDetail }
  | { result: "failed"; error: ErrorDetail }
  | { result: "skipped"; reason: string };

export class ConnectionActor extends DurableObject<Env> {
  private budget: Budget | null = null;
  private token: TokenSet | null = null;
  private refreshing: Promise<TokenSet> | null = null;
  private batcher: Coalescer | null = null;
  /** Master-data references (items, customers) this connection has looked up; kept while the object lives. */
  private readonly memo = new LookupMemo();
  /** Requests waiting in the budget right now: the backlog new requests queue behind in a batch. */
  private budgetWaits = 0;

  /** Syncs in flight per order: two messages for one order never converge it at the same time. */
  private perOrder = new Map<string, Promise<SyncOutcome>>();

  /**
   * Converges this destination with one order. Never throws for vendor errors: the outcome says ack, retry or fail.
   * Calls for the same order run one after another (a second "not found → create" racing the first would make a
   * duplicate at vendors without idempotency keys); different orders run concurrently within the budget.
   */
  sync(orderKey: string, destinationId: string, attempt = 1): Promise<SyncOutcome> {
    const previous = this.perOrder.get(orderKey);
    const run = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(() => this.syncOne(orderKey, destinationId, attempt));
    this.perOrder.set(orderKey, run);
    // Cleanup on either outcome; the rejection itself goes to the caller (a bare .finally() here would re-throw it
    // into an unhandled rejection).
    const settled = () => {
      if (this.perOrder.get(orderKey) === run) this.perOrder.delete(orderKey);
    };
    run.then(settled, settled);
    return run;
  }

  private async syncOne(orderKey: string, destinationId: string, attempt: number): Promise<SyncOutcome> {
    const conn = await loadConnection(this.env, destinationId);
    if (!conn || !conn.enabled) return { result: "skipped", reason: `destination ${destinationId} is missing or disabled` };
    const connector = destinationConnector(conn.slug);
    if (!connector) return { result: "failed", error: { kind: "permanent", message: `no destination connector "${conn.slug}"` } };
    const actor = this.env.ORDER_ACTOR.getByName(orderKey);
    const snap = await actor.snapshot();
    if (!snap?.order) return { result: "skipped", reason: "order has no snapshot yet" };
    const order = snap.order;
    try {
      const report = await this.withAuth(connector, conn, (ctx) => converge(this.env, connector, ctx, orderKey, destinationId, order, snap.revision));
      if (!report.upToDate) {
        await actor.recordSync(
          destinationId,
          report.written.flatMap((w) => [
            {
              summary: `${w.adopted ? "adopted existing" : "wrote"} ${w.doc.kind} ${w.doc.id} (${w.doc.externalRef}) total ${w.doc.total} ${w.doc.currency}`,
              data: { docKey: w.docKey, docId: w.doc.id, kind: w.doc.kind, total: w.doc.total, revision: snap.revision },
            },
            ...w.notes.map((n) => ({ summary: n.message, data: n.data })),
          ]),
        );
      }
      await clearFailure(this.env, orderKey, destinationId);
      return { result: "ok", documents: report.written.length, upToDate: report.upToDate };
    } catch (err) {
      const detail: ErrorDetail =
        err instanceof ConnectorError ? err.toJSON() : { kind: "retryable", message: (err as Error)?.message ?? String(err) };
      if (detail.kind === "rate_limited") {
        return { result: "retry", delaySeconds: honourRateLimit(this.ensureBudget(connector, conn.config), detail), error: detail };
      }
      if (detail.kind === "retryable" || detail.kind === "auth") {
        const delaySeconds = backoff(attempt, detail.retryAfterSeconds);
        if (attempt >= 6) await recordFailure(this.env, orderKey, destinationId, detail, attempt);
        return { result: "retry", delaySeconds, error: detail };
      }
      await recordFailure(this.env, orderKey, destinationId, detail, attempt);
      await actor.recordSync(destinationId, [{ summary: `failed: ${detail.message}`, data: { ...detail }, failure: true }]);
      return { result: "failed", error: detail };
    }
  }

  /** Runs `op` with a live access token; on an auth error refreshes once (single-flight) and runs it again. */
  private async withAuth<T>(connector: DestinationConnector, conn: LoadedConnection, op: (ctx: ReturnType<typeof connectorContext>) => Promise<T>): Promise<T> {
    await this.restored;
    const budget = this.ensureBudget(connector, conn.config);
    const batcher = this.ensureBatcher(connector, budget);
    const makeCtx = (accessToken: string | undefined) => {
      const ctx = connectorContext(this.env, connector, conn, {
        accessToken,
        memo: this.memo,
        beforeRequest: async (req) => {
          this.budgetWaits++;
          try {
            await budget.take(kindOf(req));
          } finally {
            this.budgetWaits--;
          }
        },
        afterRequest: (res, req) => {
          budget.release(kindOf(req));
          if (res?.status === 429) {
            const ra = Number(res.headers.get("retry-after"));
            budget.pause(Number.isFinite(ra) && ra > 0 ? ra : 30);
          }
        },
      });
      return batcher ? { ...ctx, http: batcher.wrap(ctx.http) } : ctx;
    };
    // Any connector that obtains a short-lived credential (OAuth 2 token, SAP B1 session, S/4HANA CSRF token,
    // Intacct session) does it through refreshAccessToken; the rest sign each request statelessly.
    if (!connector.refreshAccessToken) return op(makeCtx(undefined));
    const token = await this.accessToken(connector, conn, false);
    try {
      return await op(makeCtx(token.accessToken));
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== "auth") throw err;
      const fresh = await this.accessToken(connector, conn, true, token.accessToken);
      return op(makeCtx(fresh.accessToken));
    }
  }

  /**
   * Single-flight OAuth 2 refresh. Rotating vendors (QuickBooks, Xero) invalidate the old refresh token on use, so
   * only one refresh may be in flight and the newest refresh token is persisted before the access token is used.
   */
  private async accessToken(connector: DestinationConnector, conn: LoadedConnection, force: boolean, rejected?: string): Promise<TokenSet> {
    if (!this.token) this.token = (await this.ctx.storage.get<TokenSet>("token")) ?? null;
    const valid = this.token && this.token.expiresAt - 60_000 > Date.now();
    if (valid && (!force || this.token!.accessToken !== rejected)) return this.token!;
    this.refreshing ??= (async () => {
      try {
        const current = (await loadConnection(this.env, conn.id, true)) ?? conn;
        const ctx = connectorContext(this.env, connector, current);
        const set = await connector.refreshAccessToken!(ctx);
        if (set.refreshToken && set.refreshToken !== current.credentials.refreshToken) {
          await updateCredentials(this.env, conn.id, { ...current.credentials, refreshToken: set.refreshToken });
        }
        await this.ctx.storage.put("token", set);
        this.token = set;
        return set;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Per-minute counts of the rolling day (vendors with a daily budget), restored from storage after an eviction. */
  private dayBuckets: Array<[number, number]> = [];
  /** Resolves once the stored day counts are loaded; the budget is built only after it. */
  private readonly restored: Promise<void>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.restored = ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list<number>({ prefix: DAY_PREFIX });
      const first = Math.floor(Date.now() / 60_000) - 1440 + 1;
      const stale: string[] = [];
      for (const [key, count] of stored) {
        const minute = Number(key.slice(DAY_PREFIX.length));
        if (minute >= first) this.dayBuckets.push([minute, count]);
        else stale.push(key);
      }
      if (stale.length > 0) await ctx.storage.delete(stale);
    });
  }

  private ensureBudget(connector: DestinationConnector, config: Record<string, unknown>): Budget {
    this.budget ??= new Budget(connector.rateLimitFor?.(config) ?? connector.rateLimit, {
      dayBuckets: this.dayBuckets,
      batchesPerMinute: connector.batch?.perMinute,
      // One small row per minute with traffic; a DO storage write is coalesced with the request's other writes.
      onDayUse: (minute, count) => {
        const failed = (err: unknown) => console.warn(JSON.stringify({ level: "warn", scope: "budget", msg: `day count not stored: ${String(err)}` }));
        this.ctx.storage.put(`${DAY_PREFIX}${minute}`, count).catch(failed);
        // A new minute: the one a day older has left the window (a long-lived object keeps at most a day of rows).
        if (count === 1) this.ctx.storage.delete(`${DAY_PREFIX}${minute - 1440}`).catch(failed);
      },
    });
    return this.budget;
  }

  /** The batch coalescer of a connector with a batch transport: a backlog is any request that would wait for the budget. */
  private ensureBatcher(connector: DestinationConnector, budget: Budget): Coalescer | null {
    if (!connector.batch) return null;
    this.batcher ??= new Coalescer(connector.batch, {
      backlog: (outstanding) => outstanding >= budget.concurrency || this.budgetWaits > 0 || budget.status().pausedForMs > 0,
      batchAllowed: () => budget.batchSlotFree(),
    });
    return this.batcher;
  }

  /** A settings change: the next sync reloads the connection instead of using this isolate's cached copy. */
  async forgetConnection(connectionId: string): Promise<void> {
    forgetConnection(connectionId);
    // A new posting profile may map items or customers differently: look them up again.
    this.memo.clear();
  }

  /** Budget use for the admin page (requests this minute, today, in flight). */
  async budgetStatus(connectionId?: string): Promise<ReturnType<Budget["status"]> | null> {
    await this.restored;
    if (!this.budget && connectionId) {
      // After an eviction the budget is rebuilt from storage, so the day's use shows before the next sync.
      const conn = await loadConnection(this.env, connectionId);
      const connector = conn ? destinationConnector(conn.slug) : undefined;
      if (conn && connector) this.ensureBudget(connector, conn.config);
    }
    return this.budget?.status() ?? null;
  }
}

/** Exponential backoff with jitter: 2, 4, 8 … up to 15 minutes; a vendor's Retry-After wins when longer. */
export function backoff(attempt: number, retryAfter?: number): number {
  const base = Math.min(900, 2 ** Math.min(attempt, 10));
  const jitter = Math.floor(Math.random() * Math.max(1, base / 4));
  return Math.max(retryAfter ?? 0, base + jitter);
}
