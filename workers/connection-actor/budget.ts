// A destination tenant's request budget: sliding windows (per minute, per second, per day) and concurrency slots.
import type { RateLimit } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";

/** Longest a request waits in-process for budget; beyond it the message goes back to the queue with a delay. */
const MAX_WAIT_MS = 20_000;
/** Stay a hair under the vendor's published figures so clock skew never earns a 429. */
const HEADROOM = 0.98;

interface Window {
  limit: number;
  ms: number;
  hits: number[];
}

export class Budget {
  private windows: Window[] = [];
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private pausedUntil = 0;
  readonly concurrency: number;
  /** Requests granted in the current day window, for admin. */
  private dayUsed: number[] = [];
  private readonly perDay: number | undefined;

  constructor(limit: RateLimit) {
    if (limit.perSecond) this.windows.push({ limit: Math.max(1, Math.floor(limit.perSecond * HEADROOM)), ms: 1000, hits: [] });
    if (limit.perMinute) this.windows.push({ limit: Math.max(1, Math.floor(limit.perMinute * HEADROOM)), ms: 60_000, hits: [] });
    this.perDay = limit.perDay;
    this.concurrency = Math.max(1, limit.concurrency ?? 10);
  }

  /** Honour a vendor's Retry-After: no request leaves before it passes. */
  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + seconds * 1000);
  }

  /** Waits for a window slot and a concurrency slot; throws rate_limited if that would take too long. */
  async take(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const now = Date.now();
      if (this.perDay !== undefined) {
        this.dayUsed = this.dayUsed.filter((t) => t > now - 86_400_000);
        if (this.dayUsed.length >= this.perDay) {
          const wait = Math.ceil((this.dayUsed[0]! + 86_400_000 - now) / 1000);
          throw new ConnectorError({ kind: "rate_limited", message: "daily request budget used up", retryAfterSeconds: wait, vendorCode: "daily_budget" });
        }
      }
      let waitMs = Math.max(0, this.pausedUntil - now);
      for (const w of this.windows) {
        w.hits = w.hits.filter((t) => t > now - w.ms);
        if (w.hits.length >= w.limit) waitMs = Math.max(waitMs, w.hits[0]! + w.ms - now);
      }
      if (waitMs === 0 && this.inFlight < this.concurrency) {
        for (const w of this.windows) w.hits.push(now);
        if (this.perDay !== undefined) this.dayUsed.push(now);
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

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.waiters.shift()?.();
  }

  status(): { inFlight: number; concurrency: number; usedLastMinute: number; usedToday: number; perDay: number | undefined; pausedForMs: number } {
    const now = Date.now();
    const minute = this.windows.find((w) => w.ms === 60_000);
    return {
      inFlight: this.inFlight,
      concurrency: this.concurrency,
      usedLastMinute: minute ? minute.hits.filter((t) => t > now - 60_000).length : 0,
      usedToday: this.dayUsed.filter((t) => t > now - 86_400_000).length,
      perDay: this.perDay,
      pausedForMs: Math.max(0, this.pausedUntil - now),
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
