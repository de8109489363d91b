// The batch coalescer: while a destination's budget has a backlog, batchable requests share one vendor batch request.
import type { BatchableRequest, BatchTransport } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import type { HttpClient, HttpRequest, HttpResponse } from "../../shared/connector/http";
// Stay under the vendor's batch figure by the budget's own margin (see budget.ts).
import { HEADROOM } from "./budget";

/** How long a forming batch waits for company before it goes (unless it fills first). */
const LINGER_MS = 10;
/**
 * Longest a forming batch keeps filling while the budget has no free slot (sent sooner it would only wait there);
 * past it the batch goes and waits for the budget like any request. A vendor with a batch allowance per minute allows
 * one batch every 60 s ÷ allowance (QuickBooks: ~1.6 s at 38 a minute): a batch holds at least that long under a
 * backlog, so the allowance is spent on full batches (at 250 ms a 2,000-order QuickBooks drain averaged ~12 of 30).
 */
const MAX_HOLD_MS = 250;

type Send = (req: HttpRequest) => Promise<HttpResponse>;

interface Waiting {
  item: BatchableRequest;
  resolve(res: HttpResponse): void;
  reject(err: unknown): void;
}

interface Forming {
  lane: string;
  /** The transport of the client that opened the batch (its token authorizes the batch request). */
  send: Send;
  waiting: Waiting[];
  openedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface CoalescerOptions {
  /**
   * True when a request sent now would wait for the budget, given the requests this coalescer has sent and not yet
   * seen answered (`outstanding`: in flight or on their way to the budget): slots all taken, window full, paused.
   */
  backlog(outstanding: number): boolean;
  lingerMs?: number;
  maxHoldMs?: number;
  /**
   * Whether the vendor's batch allowance has room now, as the budget that counts batches when they leave sees it
   * (without it, the coalescer keeps its own count of the batches it formed).
   */
  batchAllowed?(): boolean;
}

export class Coalescer {
  private forming = new Map<string, Forming>();
  /** Requests passed to the client's own transport (alone, or batch requests) and not answered yet. */
  private outstanding = 0;
  /** When each batch request left, for the vendor's batches-per-minute limit (kept only without `batchAllowed`). */
  private sent: number[] = [];
  private readonly limitPerMinute: number;

  constructor(
    private readonly spec: BatchTransport,
    private readonly opts: CoalescerOptions,
  ) {
    this.limitPerMinute = spec.perMinute === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(spec.perMinute * HEADROOM));
    this.maxHoldMs = opts.maxHoldMs ?? Math.max(MAX_HOLD_MS, Number.isFinite(this.limitPerMinute) ? Math.floor(60_000 / this.limitPerMinute) : 0);
  }

  private readonly maxHoldMs: number;

  /** The same client, every request passing through the coalescer: batchable ones join a batch under a backlog. */
  wrap(http: HttpClient): HttpClient {
    return http.intercepted((req, url) => this.offer({ req, url }, (r) => http.raw(r)));
  }

  /**
   * Answers a request: alone when it is not batchable, there is no backlog or the vendor's batch allowance for this
   * minute is used; otherwise from its own part of a batch answer. `send` is the client's own transport.
   */
  offer(item: BatchableRequest, send: Send): Promise<HttpResponse> {
    const lane = this.spec.lane(item);
    if (lane === null) return this.pass(item.req, send);
    let batch = this.forming.get(lane);
    if (!batch) {
      if (!this.opts.backlog(this.outstanding) || !this.batchAllowed()) return this.pass(item.req, send);
      batch = { lane, send, waiting: [], openedAt: Date.now(), timer: null };
      this.forming.set(lane, batch);
      this.arm(batch);
    }
    const joined = batch;
    const answer = new Promise<HttpResponse>((resolve, reject) => joined.waiting.push({ item, resolve, reject }));
    if (joined.waiting.length >= this.spec.maxOperations) void this.flush(joined);
    return answer;
  }

  /** Sends a request through the client's own transport (auth, budget, fetch), counted until it is answered. */
  private pass(req: HttpRequest, send: Send): Promise<HttpResponse> {
    this.outstanding++;
    return send(req).finally(() => this.outstanding--);
  }

  private batchAllowed(): boolean {
    if (this.opts.batchAllowed) return this.opts.batchAllowed();
    if (this.limitPerMinute === Number.POSITIVE_INFINITY) return true;
    const now = Date.now();
    this.sent = this.sent.filter((t) => t > now - 60_000);
    return this.sent.length < this.limitPerMinute;
  }

  /** After the linger the batch goes, unless every slot is still taken: then it keeps filling (up to the hold). */
  private arm(batch: Forming): void {
    batch.timer = setTimeout(() => {
      if (this.forming.get(batch.lane) !== batch) return;
      const held = Date.now() - batch.openedAt;
      if (this.opts.backlog(this.outstanding) && held < this.maxHoldMs) this.arm(batch);
      else void this.flush(batch);
    }, this.opts.lingerMs ?? LINGER_MS);
  }

  private async flush(batch: Forming): Promise<void> {
    if (this.forming.get(batch.lane) !== batch) return;
    this.forming.delete(batch.lane);
    if (batch.timer) clearTimeout(batch.timer);
    const { waiting } = batch;
    // A batch of one is just the request: it goes alone and keeps the batch allowance for real batches.
    if (waiting.length === 1) {
      const only = waiting[0]!;
      this.pass(only.item.req, batch.send).then(only.resolve, only.reject);
      return;
    }
    // The coalescer's own count, only without a budget's (a budget counts the batch when it leaves).
    if (!this.opts.batchAllowed) this.sent.push(Date.now());
    let res: HttpResponse;
    try {
      const items = waiting.map((w) => w.item);
      res = await this.pass({ ...(await this.spec.combine(items)), batchOf: items.length }, batch.send);
      const parts = this.spec.split(res, items);
      waiting.forEach((w, i) => {
        if (!parts) return w.resolve(res);
        const part = parts[i];
        if (part) w.resolve(part);
        else w.reject(new ConnectorError({ kind: "retryable", message: "the vendor's batch answer holds no result for this request", vendorCode: "batch_item_missing", status: res.status, body: res.text }));
      });
    } catch (err) {
      // Network failure or timeout of the batch request: every caller gets the same error and retries as usual.
      for (const w of waiting) w.reject(err);
    }
  }
}
