// A destination tenant's request budget: sliding windows (per minute, per second, per day) and concurrency slots.
import type { RateLimit } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import type { HttpRequest } from "../../shared/connector/http";

/** What a request counts as: a vendor batch request (the coalescer marks it) or a plain one. */
export type RequestKind = "request" | "batch";
export const kindOf = (req: HttpRequest): RequestKind => (req.batchOf ? "batch" : "request");

/**
 * Longest a request waits in-process for budget; beyond it the message goes back to the queue with a delay. Requests
 * wait in line (first come, first served), so a backlog queues here, where the batch coalescer can combine what waits,
 * instead of bouncing through the queue: at 2 s a 600-order drain to Xero's 60/min sent single requests (the syncs
 * left before others could join them) and reached ~45 calls a minute with almost no batches.
 */
const MAX_WAIT_MS = 30_000;
/**
 * Stay under the vendor's published figures: a request is counted here when it leaves the budget and by the vendor
 * when it arrives, and the time between varies (a loaded machine, a slow network). At 2% a 2,000-order drain on a busy
 * 2-core machine earned 28 of QuickBooks' 429s in 2,447 requests; 5% leaves ~3 s of full-rate traffic for that jitter.
 */
export const HEADROOM = 0.95;
const DAY_MINUTES = 1440;
/** A window's requests are spread over at most this many slices of it (see addWindow). */
const PACE_SLICES = 10;

/**
 * The most slices (≤ PACE_SLICES, each allowing ≥ 2 requests) whose whole number of requests per slice keeps ≥ 98% of
 * the window's limit: QuickBooks' 475 → 10 slices of 47; Xero's 57 → 8 slices of 7 (10 slices of 5 would cap it at 50).
 * A slice's share is the pace's burst (see Pace).
 */
export function pacingSlices(limit: number): number {
  for (let s = PACE_SLICES; s > 1; s--) {
    const per = Math.floor(limit / s);
    if (per >= 2 && per * s >= 0.98 * limit) return s;
  }
  return 1;
}

/**
 * A vendor window. A request counts in it from the moment it leaves the budget until a window-length after it
 * completed (`open` while in flight, then its completion time in `hits`): the vendor counts it on arrival, somewhere
 * between the two, so every span the vendor looks at holds no more than the budget allowed. Counted from the moment it
 * left, a burst that reached a busy vendor a second or two later was counted there with the next minute's requests:
 * Xero's sandbox saw 60 calls in a minute (one 429) while the budget granted at most 57 in any 60 s.
 */
interface Window {
  limit: number;
  ms: number;
  hits: number[];
  open: number;
}

/**
 * A token bucket beside a vendor window: up to `capacity` requests at once (a slice's share of the window), refilled
 * at the window's even rate. It spreads a backlog over the window like a slice-length window holding a slice's share
 * did, but a short burst — a new connection's first order looks up its items, customers and tax codes, 27 requests
 * at QuickBooks — no longer holds the next 6 s of traffic: with the slice window, orders arriving at 2/s behind such a
 * burst waited up to 4 s (the e2e bench's first 15 s).
 */
interface Pace {
  capacity: number;
  perMs: number;
  tokens: number;
  at: number;
}

export class Budget {
  private windows: Window[] = [];
  private paces: Pace[] = [];
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private pausedUntil = 0;
  readonly concurrency: number;
  private readonly onDayUse: ((minute: number, count: number) => void) | undefined;
  /**
   * Requests granted per UTC minute over the last 24 hours (Xero's 5,000/day is a rolling day per tenant). Minute
   * buckets keep it small enough to persist: the owner restores them after an eviction, so a restarted object does
   * not believe it has the whole day's budget again.
   */
  private dayBuckets = new Map<number, number>();
  private readonly perDay: number | undefined;

  constructor(
    limit: RateLimit,
    opts: { dayBuckets?: Iterable<[number, number]>; onDayUse?: (minute: number, count: number) => void; batchesPerMinute?: number } = {},
  ) {
    this.onDayUse = opts.onDayUse;
    for (const [minute, count] of opts.dayBuckets ?? []) this.dayBuckets.set(minute, count);
    if (limit.perSecond) this.addWindow(limit.perSecond, 1000);
    if (limit.perMinute) this.addWindow(limit.perMinute, 60_000);
    // A vendor's separate allowance of batch requests (QuickBooks: 40 a minute) is counted here, when a batch leaves,
    // not when it is formed: a batch may wait in line, and counted earlier a line released batches in a burst (21 of
    // QuickBooks' 429s in a 2,000-order drain).
    if (opts.batchesPerMinute) this.addWindow(opts.batchesPerMinute, 60_000, this.batchWindows, this.batchPaces);
    this.perDay = limit.perDay;
    this.concurrency = Math.max(1, limit.concurrency ?? 10);
  }

  /**
   * A vendor window (less the headroom), and beside it a pace: a bucket of a slice's share refilled at the window's
   * even rate. Without a pace a backlog spent the minute's whole budget in its first seconds and then stood still
   * until those requests left the window, so traffic near the limit moved in bursts with ~13 s stalls a minute (the
   * e2e bench's p99). The window alone keeps the vendor's limit, for sliding and fixed windows alike.
   */
  private addWindow(vendorLimit: number, ms: number, into: Window[] = this.windows, paces: Pace[] = this.paces): void {
    const limit = Math.max(1, Math.floor(vendorLimit * HEADROOM));
    into.push({ limit, ms, hits: [], open: 0 });
    const slices = pacingSlices(limit);
    if (slices > 1) {
      const capacity = Math.floor(limit / slices);
      paces.push({ capacity, perMs: limit / ms, tokens: capacity, at: Date.now() });
    }
  }

  /** Windows and paces only batch requests count against (on top of the request windows). */
  private batchWindows: Window[] = [];
  private batchPaces: Pace[] = [];

  /** Honour a vendor's Retry-After: no request leaves before it passes. */
  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + seconds * 1000);
  }

  /** Requests waiting in line for their turn, and the line's tail. */
  private inLine = 0;
  private line: Promise<void> = Promise.resolve();

  /**
   * Waits in line for a window slot and a concurrency slot; throws rate_limited at once when the requests ahead would
   * keep it waiting past MAX_WAIT_MS (its Retry-After is that estimate), or later if a pause or a window keeps it longer.
   */
  async take(kind: RequestKind = "request"): Promise<void> {
    // A batch request does not queue in the line: waiting for the batch allowance there would hold every request
    // behind it (a 40-order backlog to a one-at-a-time company stalled past 25 s); it competes for the slots instead.
    if (kind === "batch") return this.acquire("batch");
    const expectedMs = Math.max(0, this.pausedUntil - Date.now()) + this.inLine * this.spacingMs();
    if (expectedMs > MAX_WAIT_MS) {
      throw new ConnectorError({ kind: "rate_limited", message: `request budget exhausted (${this.inLine} requests waiting)`, retryAfterSeconds: Math.ceil(expectedMs / 1000), vendorCode: "budget" });
    }
    this.inLine++;
    const turn = this.line.then(() => this.acquire("request"));
    this.line = turn.then(() => undefined, () => undefined);
    try {
      await turn;
    } finally {
      this.inLine--;
    }
  }

  /** Whether a batch request would find the vendor's batch allowance free now (the coalescer forms batches only then). */
  batchSlotFree(): boolean {
    const now = Date.now();
    return this.batchWindows.every((w) => used(w, now) < w.limit) && this.batchPaces.every((p) => refill(p, now) >= 1);
  }

  /** The windows and paces a request of this kind counts against (a batch: the request ones and the batch ones). */
  private countsFor(kind: RequestKind): { windows: Window[]; paces: Pace[] } {
    return kind === "batch"
      ? { windows: [...this.windows, ...this.batchWindows], paces: [...this.paces, ...this.batchPaces] }
      : { windows: this.windows, paces: this.paces };
  }

  /** The steady spacing between requests the tightest window allows. */
  private spacingMs(): number {
    return Math.max(0, ...this.windows.map((w) => w.ms / w.limit));
  }

  private async acquire(kind: RequestKind): Promise<void> {
    const { windows, paces } = this.countsFor(kind);
    const started = Date.now();
    for (;;) {
      const now = Date.now();
      if (this.perDay !== undefined && this.usedToday(now) >= this.perDay) {
        // The oldest minute leaves the rolling day first; retry when it has.
        const oldest = Math.min(...this.dayBuckets.keys());
        const wait = Math.max(1, Math.ceil(((oldest + DAY_MINUTES) * 60_000 - now) / 1000));
        throw new ConnectorError({ kind: "rate_limited", message: "daily request budget used up", retryAfterSeconds: wait, vendorCode: "daily_budget" });
      }
      let waitMs = Math.max(0, this.pausedUntil - now);
      // A window full of requests still in flight frees up only when one completes.
      let untilRelease = false;
      for (const w of windows) {
        if (used(w, now) < w.limit) continue;
        if (w.hits.length > 0) waitMs = Math.max(waitMs, w.hits[0]! + w.ms - now);
        else untilRelease = true;
      }
      for (const p of paces) {
        const tokens = refill(p, now);
        if (tokens < 1) waitMs = Math.max(waitMs, Math.ceil((1 - tokens) / p.perMs));
      }
      if (waitMs === 0 && !untilRelease && this.inFlight < this.concurrency) {
        for (const w of windows) w.open++;
        for (const p of paces) p.tokens -= 1;
        if (this.perDay !== undefined) {
          const minute = Math.floor(now / 60_000);
          const count = (this.dayBuckets.get(minute) ?? 0) + 1;
          this.dayBuckets.set(minute, count);
          this.onDayUse?.(minute, count);
        }
        this.inFlight++;
        return;
      }
      if (now - started + waitMs > MAX_WAIT_MS) {
        throw new ConnectorError({ kind: "rate_limited", message: "request budget exhausted", retryAfterSeconds: Math.ceil(waitMs / 1000) || 1, vendorCode: "budget" });
      }
      if (waitMs > 0) await sleep(Math.min(waitMs, 1000));
      else await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Requests granted in the rolling day ending now (buckets older than a day are dropped as a side effect). */
  private usedToday(now: number): number {
    const first = Math.floor(now / 60_000) - DAY_MINUTES + 1;
    let used = 0;
    for (const [minute, count] of this.dayBuckets) {
      if (minute < first) this.dayBuckets.delete(minute);
      else used += count;
    }
    return used;
  }

  /** A request taken with `take(kind)` completed (answered or failed): it counts in its windows from now on by time. */
  release(kind: RequestKind = "request"): void {
    const now = Date.now();
    for (const w of this.countsFor(kind).windows) {
      if (w.open === 0) continue;
      w.open--;
      w.hits.push(now);
    }
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.waiters.shift()?.();
  }

  status(): { inFlight: number; concurrency: number; usedLastMinute: number; usedToday: number; perDay: number | undefined; pausedForMs: number } {
    const now = Date.now();
    const minute = this.windows.find((w) => w.ms === 60_000);
    return {
      inFlight: this.inFlight,
      concurrency: this.concurrency,
      usedLastMinute: minute ? used(minute, now) : 0,
      usedToday: this.perDay === undefined ? 0 : this.usedToday(now),
      perDay: this.perDay,
      pausedForMs: Math.max(0, this.pausedUntil - now),
    };
  }
}

/** Requests counting in the window now: those in flight and those completed within it (older ones are dropped). */
function used(w: Window, now: number): number {
  while (w.hits.length > 0 && w.hits[0]! <= now - w.ms) w.hits.shift();
  return w.hits.length + w.open;
}

/** The pace's tokens at `now` (refilled since its last use, up to its capacity). */
function refill(p: Pace, now: number): number {
  p.tokens = Math.min(p.capacity, p.tokens + Math.max(0, now - p.at) * p.perMs);
  p.at = now;
  return p.tokens;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * What a sync that ended rate-limited does to the budget; returns the delay before the message comes back. A vendor's
 * throttle (a 429, or QuickBooks' ThrottleExceeded fault in a 200) pauses every request of the connection for its
 * Retry-After. The budget's own refusal ("budget", "daily_budget") must not: pausing on it pushed the pause further
 * out with every refused sync, and under a backlog the connection never sent again (found by the 3-minute simulation).
 */
export function honourRateLimit(budget: Budget, detail: { vendorCode?: string; retryAfterSeconds?: number }): number {
  const delay = detail.retryAfterSeconds ?? 30;
  if (detail.vendorCode !== "budget" && detail.vendorCode !== "daily_budget") budget.pause(delay);
  return delay;
}
