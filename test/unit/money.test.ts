// Property and example tests for exact money, quantities and largest-remainder allocation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, exponentOf, floatToMinor, formatMinor, MoneyError, toMinor } from "../../shared/model/money";
import { compareQuantity, extend, normalizeQuantity } from "../../shared/model/quantity";

const currencies = fc.constantFrom("USD", "CAD", "EUR", "JPY", "KWD", "INR", "ETB", "AED", "BHD", "KRW");

describe("money", () => {
  it("knows ISO 4217 exponents", () => {
    expect([exponentOf("JPY"), exponentOf("KWD"), exponentOf("USD"), exponentOf("ETB")]).toEqual([0, 3, 2, 2]);
  });

  it("parses decimal strings exactly", () => {
    expect(toMinor("598.94", "USD")).toBe(59894);
    expect(toMinor("12", "JPY")).toBe(12);
    expect(toMinor("1.250", "KWD")).toBe(1250);
    expect(toMinor("-0.10", "USD")).toBe(-10);
    expect(toMinor("0.100", "USD")).toBe(10);
    expect(() => toMinor("0.125", "USD")).toThrow(MoneyError);
    expect(() => toMinor("1.5", "JPY")).toThrow(MoneyError);
    expect(() => toMinor("12,50", "EUR")).toThrow(MoneyError);
  });

  it("takes binary floats only when they denote whole minor units", () => {
    expect(floatToMinor(0.1 + 0.2, "USD")).toBe(30);
    expect(floatToMinor(12.300000000000001, "USD")).toBe(1230);
    expect(floatToMinor(19.99 * 3, "USD")).toBe(5997);
    expect(() => floatToMinor(0.005, "USD")).toThrow(MoneyError);
    expect(() => floatToMinor(Number.NaN, "USD")).toThrow(MoneyError);
  });

  it("format and parse round-trip for every currency", () => {
    fc.assert(
      fc.property(currencies, fc.integer({ min: -1e12, max: 1e12 }), (cur, minor) => {
        expect(toMinor(formatMinor(minor, cur), cur)).toBe(minor);
      }),
    );
  });

  it("float parsing agrees with string parsing for amounts with the currency's decimals", () => {
    fc.assert(
      fc.property(currencies, fc.integer({ min: -1e10, max: 1e10 }), (cur, minor) => {
        const asFloat = Number(formatMinor(minor, cur));
        expect(floatToMinor(asFloat, cur)).toBe(minor);
      }),
    );
  });
});

describe("allocate (largest remainder)", () => {
  it("splits 100 over three equal weights as 34/33/33", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(5, [0, 0])).toEqual([3, 2]);
  });

  it("shares always sum to the total and stay within one unit of the exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const shares = allocate(total, weights);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          const sumW = weights.reduce((a, b) => a + b, 0);
          if (sumW === 0) return;
          shares.forEach((s, i) => {
            const exact = (total * weights[i]!) / sumW;
            expect(Math.abs(s - exact)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
  });

  it("is deterministic: the same inputs give the same shares", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e7 }), fc.array(fc.nat(1000), { minLength: 1, maxLength: 10 }), (t, w) => {
        expect(allocate(t, w)).toEqual(allocate(t, w));
      }),
    );
  });
});

describe("quantities", () => {
  it("keeps decimal quantities exact", () => {
    expect(normalizeQuantity("0.375")).toBe("0.375");
    expect(normalizeQuantity("2.500")).toBe("2.5");
    expect(normalizeQuantity(3)).toBe("3");
    expect(normalizeQuantity(0.1 + 0.2)).toBe("0.3");
    expect(compareQuantity("0.375", "0.3750")).toBe(0);
  });

  it("extends quantity × unit price with half-up rounding and no float error", () => {
    expect(extend("0.375", 1299)).toBe(487); // 487.125
    expect(extend("0.5", 1)).toBe(1); // 0.5 rounds away from zero
    expect(extend("3", 199)).toBe(597);
    expect(extend("1.005", 100)).toBe(101); // 100.5
  });

  it("extend equals exact rational arithmetic", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1_000_000 }), (qInt, scale, price) => {
        const q = normalizeQuantity((qInt / 10 ** scale).toFixed(scale));
        const exactTimes2 = (2n * BigInt(qInt) * BigInt(price)) / 10n ** BigInt(scale);
        const expected = Number((exactTimes2 + 1n) / 2n);
        expect(extend(q, price)).toBe(expected);
      }),
    );
  });
});
