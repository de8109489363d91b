// LookupMemo: entries expire after their TTL, the oldest go first past the size cap, clear forgets all.
import { describe, expect, it } from "vitest";
import { LookupMemo } from "../../shared/connector/memo";

describe("LookupMemo", () => {
  it("answers a remembered value until its TTL has passed, and counts hits and misses", () => {
    let now = 1_000;
    const memo = new LookupMemo({ ttlMs: 100, now: () => now });
    expect(memo.get("item:A")).toBeUndefined();
    memo.set("item:A", { value: "7" });
    now += 99;
    expect(memo.get("item:A")).toEqual({ value: "7" });
    now += 1;
    expect(memo.get("item:A")).toBeUndefined();
    expect(memo.size).toBe(0);
    expect({ hits: memo.hits, misses: memo.misses }).toEqual({ hits: 1, misses: 2 });
  });

  it("drops the least recently written entries beyond its cap; a rewrite counts as recent", () => {
    const memo = new LookupMemo({ maxEntries: 3 });
    for (const k of ["a", "b", "c"]) memo.set(k, k);
    memo.set("a", "a2");
    memo.set("d", "d");
    expect(memo.size).toBe(3);
    expect(memo.get("b")).toBeUndefined();
    expect([memo.get("a"), memo.get("c"), memo.get("d")]).toEqual(["a2", "c", "d"]);
  });

  it("forgets everything on clear", () => {
    const memo = new LookupMemo();
    memo.set("customer:x", 1);
    memo.clear();
    expect(memo.get("customer:x")).toBeUndefined();
    expect(memo.size).toBe(0);
  });
});
