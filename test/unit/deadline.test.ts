// withDeadline: the queue consumer's bound on one message holding its batch.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withDeadline } from "../../workers/dispatch/deadline";

describe("withDeadline", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("answers the work's result when it finishes in time, and leaves no timer behind", async () => {
    const done = withDeadline(new Promise((r) => setTimeout(() => r("ok"), 1_000)), 30_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(done).resolves.toBe("ok");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("answers late when the work outlasts the deadline; the work still completes on its own", async () => {
    let finished = false;
    const work = new Promise((r) => setTimeout(() => r("ok"), 60_000)).then((v) => {
      finished = true;
      return v;
    });
    const done = withDeadline(work, 30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(done).resolves.toBe("late");
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(finished).toBe(true);
  });

  it("passes the work's failure through when it fails in time", async () => {
    const done = withDeadline(Promise.reject(new Error("vendor down")), 30_000);
    await expect(done).rejects.toThrow("vendor down");
  });
});
