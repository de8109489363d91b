// The destination budget: sliding windows, concurrency, Retry-After pauses and the rolling day (Xero's 5,000/day).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { Budget, honourRateLimit, pacingSlices } from "../../workers/connection-actor/budget";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 30);

async function refusal(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe("Budget", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it("counts the rolling day per minute, reports each granted request and refuses past the daily budget", async () => {
    const used: Array<[number, number]> = [];
    const b = new Budget({ perMinute: 100, perDay: 3, concurrency: 5 }, { onDayUse: (m, c) => used.push([m, c]) });
    for (let i = 0; i < 3; i++) {
      await b.take();
      b.release();
    }
    const minute = Math.floor(T0 / 60_000);
    expect(used).toEqual([[minute, 1], [minute, 2], [minute, 3]]);
    expect(b.status()).toMatchObject({ usedToday: 3, perDay: 3 });
    const err = await refusal(b.take());
    expect(err.kind).toBe("rate_limited");
    expect(err.vendorCode).toBe("daily_budget");
    // The requests leave the rolling day 24 h after their minute began.
    expect(err.retryAfterSeconds).toBe(Math.ceil(((minute + 1440) * 60_000 - T0) / 1000));
  });

  it("restored buckets count against today, and buckets older than a day no longer do", async () => {
    const minute = Math.floor(T0 / 60_000);
    const restored: Array<[number, number]> = [[minute - 1439, 2], [minute - 10, 1], [minute - 1440, 50]];
    const b = new Budget({ perDay: 4 }, { dayBuckets: restored });
    expect(b.status().usedToday).toBe(3);
    await b.take();
    b.release();
    await refusal(b.take());
    // One minute later the bucket from 1,439 minutes ago has left the day: two requests are free again.
    vi.setSystemTime(T0 + 60_000);
    expect(b.status().usedToday).toBe(2);
    await b.take();
    b.release();
    expect(b.status().usedToday).toBe(3);
  });

  it("a budget without a daily limit never refuses for the day and reports no day use", async () => {
    const b = new Budget({ perMinute: 1000, concurrency: 2 });
    for (let i = 0; i < 50; i++) {
      await b.take();
      b.release();
    }
    expect(b.status()).toMatchObject({ usedToday: 0, perDay: undefined, usedLastMinute: 50 });
  });

  it("waits for a free concurrency slot, then grants it in order", async () => {
    const b = new Budget({ perMinute: 1000, concurrency: 1 });
    await b.take();
    let second = false;
    const waiting = b.take().then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(second).toBe(false);
    expect(b.status().inFlight).toBe(1);
    b.release();
    await waiting;
    expect(second).toBe(true);
  });

  it("spreads a window's budget over it: a backlog flows at ~95% of the vendor's limit, never a burst then a stall", async () => {
    // QuickBooks: 500 requests a minute per company. Ten workers keep asking for 3 minutes, as a drain does.
    const b = new Budget({ perMinute: 500, concurrency: 10 });
    const granted: number[] = [];
    const worker = async () => {
      while (Date.now() - T0 < 180_000) {
        try {
          await b.take();
          granted.push(Date.now());
          b.release();
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    const run = Promise.all(Array.from({ length: 10 }, worker));
    await vi.advanceTimersByTimeAsync(182_000);
    await run;
    const most = (ms: number) => {
      let peak = 0;
      for (let i = 0, j = 0; i < granted.length; i++) {
        while (granted[i]! - granted[j]! >= ms) j++;
        peak = Math.max(peak, i - j + 1);
      }
      return peak;
    };
    expect(most(60_000)).toBeLessThanOrEqual(475); // the vendor's 500 less the 5% headroom, in every 60 s span
    // A tenth of it at once, then the even rate: at most two tenths in any 6 s span (all of it, unpaced).
    expect(most(6_000)).toBeLessThanOrEqual(2 * 47);
    expect(granted.length).toBeGreaterThanOrEqual(1350); // ≥ 90% of 3 × 500
    const gaps = granted.slice(1).map((t, i) => t - granted[i]!);
    expect(Math.max(...gaps)).toBeLessThan(6_500); // before pacing: 475 in the first second, then ~59 s of nothing
  });

  it("a burst of a slice's share does not hold the steady traffic behind it: a new connection's lookups, then 6 requests a second", async () => {
    // QuickBooks, 475 a minute paced: a fresh connection's first order costs 27 requests (token, items, customers, tax
    // codes), then orders at 2/s cost 6 requests a second (73% of the limit). Each request should leave at once.
    const b = new Budget({ perMinute: 500, concurrency: 10 });
    const waits: number[] = [];
    const one = async () => {
      const asked = Date.now();
      await b.take();
      waits.push(Date.now() - asked);
      b.release();
    };
    for (let i = 0; i < 27; i++) await one();
    for (let second = 0; second < 30; second++) {
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(Array.from({ length: 6 }, one));
    }
    expect(waits).toHaveLength(27 + 180);
    // With a slice-length window of 47 the burst's 27 held the next 6 s to 20 more: requests waited up to ~4 s.
    expect(Math.max(...waits)).toBe(0);
  });

  it("a request counts from leaving until a window-length after it completes (the vendor counts it on arrival, in between)", async () => {
    // 3 a minute less the headroom: 2 in any minute (too few to pace).
    const b = new Budget({ perMinute: 3, concurrency: 10 });
    await b.take();
    await b.take();
    await vi.advanceTimersByTimeAsync(5_000);
    b.release();
    b.release(); // both answered 5 s after they left
    await vi.advanceTimersByTimeAsync(56_000); // 61 s after they left, 56 s after they completed
    let at = 0;
    const third = b.take().then(() => {
      at = Date.now() - T0;
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(at).toBe(0); // counted from leaving, it would have gone at 60 s
    await vi.advanceTimersByTimeAsync(2_000);
    await third;
    expect(at).toBeGreaterThanOrEqual(65_000);
    expect(at).toBeLessThan(66_000);

    // Requests still in flight count however long ago they left; once answered, for a window-length more.
    const slow = new Budget({ perMinute: 3, concurrency: 10 });
    await slow.take();
    await slow.take();
    await vi.advanceTimersByTimeAsync(90_000);
    expect(slow.status().usedLastMinute).toBe(2);
    slow.release();
    slow.release();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(slow.status().usedLastMinute).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(slow.status().usedLastMinute).toBe(0);
    await slow.take(); // at once
  });

  it("paces in as many slices as keep ≥ 98% of the limit: QuickBooks 10 × 47, Xero 8 × 7; tiny limits are not sliced", () => {
    expect(pacingSlices(475)).toBe(10);
    expect(pacingSlices(57)).toBe(8);
    expect(pacingSlices(95)).toBe(5); // 10 slices of 9 would keep 90; 5 slices of 19 keep all 95
    expect(pacingSlices(3)).toBe(1);
  });

  it("requests wait in line, first come first served, and one that would wait past the in-process limit is refused at once", async () => {
    // Xero at 60/min: 57 a minute, paced: a burst of 7, then one every ~1.05 s. Forty requests at once: the first 7 go,
    // the rest wait in line.
    const b = new Budget({ perMinute: 60, concurrency: 5 });
    const order: number[] = [];
    const refused: ConnectorError[] = [];
    const all = Array.from({ length: 40 }, (_, i) => b.take().then(() => { order.push(i); b.release(); }, (e: ConnectorError) => { refused.push(e); }));
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(all);
    // ~1.05 s apart at the steady rate: about 28 fit within the 30 s wait, the others were refused at once with the
    // line's estimate as their Retry-After, so the queue brings them back when the line has moved on.
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(order.length + refused.length).toBe(40);
    expect(order.length).toBeGreaterThanOrEqual(28);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.vendorCode).toBe("budget");
      expect(r.retryAfterSeconds).toBeGreaterThan(30);
    }
  });

  it("counts batch requests against the vendor's batch allowance when they leave; plain requests do not use it up", async () => {
    // QuickBooks: 500 requests and 40 batch requests a minute; 38 batches with the headroom, paced: a burst of 19, then
    // one every ~1.6 s.
    const b = new Budget({ perMinute: 500, concurrency: 10 }, { batchesPerMinute: 40 });
    for (let i = 0; i < 19; i++) {
      await b.take("batch");
      b.release("batch");
    }
    let twentieth = false;
    const waiting = b.take("batch").then(() => {
      twentieth = true;
      b.release("batch");
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(twentieth).toBe(false);
    // A plain request is not held by the waiting batch: it goes at once.
    let plain = false;
    const request = b.take().then(() => {
      plain = true;
      b.release();
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(plain).toBe(true);
    expect(twentieth).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    await Promise.all([waiting, request]);
    expect(twentieth).toBe(true);
    // Forty plain requests in a row go at once: the batch allowance is not theirs.
    const other = new Budget({ perMinute: 500, concurrency: 10 }, { batchesPerMinute: 40 });
    for (let i = 0; i < 40; i++) {
      await other.take();
      other.release();
    }
    expect(other.status().usedLastMinute).toBe(40);
  });

  it("a Retry-After pause longer than the in-process wait sends the request back as rate_limited", async () => {
    const b = new Budget({ perMinute: 1000 });
    b.pause(60);
    const err = await refusal(b.take());
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterSeconds).toBe(60);
  });

  it("the budget's own refusals never extend its pause; a vendor's throttle pauses it for the Retry-After", async () => {
    const b = new Budget({ perMinute: 2 });
    await b.take();
    b.release();
    // perMinute 2 with 5% headroom leaves one request a minute: the next waits ~60 s, past the in-process wait.
    for (let i = 0; i < 50; i++) {
      const refused = await refusal(b.take());
      expect(refused.vendorCode).toBe("budget");
      expect(honourRateLimit(b, refused.toJSON())).toBe(refused.retryAfterSeconds);
    }
    // Fifty refused syncs later the budget still frees up when its window does (it used to pause itself further each time).
    expect(b.status().pausedForMs).toBe(0);
    vi.advanceTimersByTime(60_001);
    await b.take();
    b.release();
    // A vendor's 429 (rate_limited with its own code) pauses every request for the Retry-After.
    expect(honourRateLimit(b, { vendorCode: "3001", retryAfterSeconds: 60 })).toBe(60);
    expect(b.status().pausedForMs).toBe(60_000);
  });
});
