// Pure QBO pieces: document numbers and name trimming, mapping + parity over generated orders, and error classification.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../shared/connector/http";
import { ConnectorError } from "../../shared/connector/errors";
import { toMinor } from "../../shared/model/money";
import { classify } from "../../workers/connectors/destinations/quickbooks-online/classify";
import { QboConfig } from "../../workers/connectors/destinations/quickbooks-online/config";
import { salesDocument } from "../../workers/connectors/destinations/quickbooks-online/mapping";
import { qboTotal, settleParity } from "../../workers/connectors/destinations/quickbooks-online/parity";
import { docNumber, orderReference, trimToLength } from "../../workers/connectors/destinations/quickbooks-online/refs";
import { handWrittenOrders, orderArb, stackedDiscounts, truncatingScale, withIdentity } from "../helpers/orders";
import { qboFixture } from "../helpers/specs-quickbooks-online";

const cfg = QboConfig.parse({ realmId: "1" });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = JSON.stringify(body);
  return { status, headers: new Headers(headers), text, url: "https://quickbooks.api.intuit.com/v3/company/1/query", json: <T>() => JSON.parse(text) as T };
}

function map(order: ReturnType<typeof truncatingScale>) {
  const { doc } = salesDocument({ order, cfg, docNumber: "N", privateNote: "om:c:o", customer: { value: "1" }, itemFor: () => ({ value: "1" }) });
  return settleParity(doc, order.totals.total, order.currency, { item: { value: cfg.roundingItemId }, taxCode: cfg.exemptCodeId }, "test");
}

describe("document numbers", () => {
  it("keep the end of a long number within 21 UTF-16 units, never splitting a surrogate pair", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), fc.string({ maxLength: 6 }), (number, prefix) => {
        const order = withIdentity(stackedDiscounts(), "x", number);
        const ref = docNumber(orderReference(order), prefix);
        expect(ref.value.length).toBeLessThanOrEqual(21);
        expect(ref.value.startsWith(prefix)).toBe(true);
        expect(number.endsWith(ref.value.slice(prefix.length))).toBe(true);
        expect(ref.value.slice(prefix.length)).not.toMatch(LONE_SURROGATE);
        expect(ref.truncated).toBe(prefix.length + number.length > 21);
      }),
    );
  });

  it("trim item names on grapheme boundaries: conjuncts, syllables and astral characters stay whole", () => {
    const devanagari = "क्षत्रिय मसाला ".repeat(10);
    const trimmed = trimToLength(devanagari, 100);
    expect(trimmed.length).toBeLessThanOrEqual(100);
    // Cutting inside "क्ष" would leave a dangling virama (U+094D) at the end.
    expect(trimmed.endsWith("\u094D")).toBe(false);
    expect(devanagari.startsWith(trimmed)).toBe(true);
    const astral = "𠮷".repeat(60);
    expect(trimToLength(astral, 100)).toBe("𠮷".repeat(50));
    expect(trimToLength("𠮷".repeat(60), 99)).toBe("𠮷".repeat(49));
  });
});

describe("mapping and parity", () => {
  it("maps every hand-written order to a QBO total equal to the source total", () => {
    for (const order of handWrittenOrders()) {
      const { doc } = map(order);
      expect(qboTotal(doc, order.currency), order.sourceOrderId).toBe(order.totals.total);
    }
  });

  it("settles a per-line rounding difference with one explicit adjustment and says so", () => {
    const order = truncatingScale();
    const { doc, notes } = map(order);
    const lines = doc.Line as { Amount: number; SalesItemLineDetail?: { ItemRef: { value: string } } }[];
    expect(lines.filter((l) => l.SalesItemLineDetail?.ItemRef.value === cfg.roundingItemId).map((l) => l.Amount)).toEqual([-0.01]);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data).toMatchObject({ adjustment: -1, sourceTotal: order.totals.total });
  });

  it("refuses to post when the difference is more than rounding", () => {
    const order = truncatingScale();
    const broken = { ...order, totals: { ...order.totals, total: order.totals.total + 500 } };
    expect(() => map(broken)).toThrow(ConnectorError);
    try {
      map(broken);
    } catch (err) {
      expect((err as ConnectorError).kind).toBe("permanent");
      expect((err as ConnectorError).message).toMatch(/more than rounding/);
    }
  });

  it("generated orders: QBO's total equals the source, every line obeys Amount = round(Qty × UnitPrice), at most one discount line", () => {
    fc.assert(
      fc.property(orderArb, (order) => {
        const { doc } = map(order);
        expect(qboTotal(doc, order.currency)).toBe(order.totals.total);
        const lines = doc.Line as { DetailType: string; Amount: number; SalesItemLineDetail?: { Qty: number; UnitPrice: number } }[];
        for (const l of lines) {
          // No amount carries more decimals than the currency has.
          expect(() => toMinor(l.Amount, order.currency)).not.toThrow();
          if (l.SalesItemLineDetail) {
            // Exact decimal check, independent of shared/model/quantity: scale both to integers with BigInt.
            const [qi, qf = ""] = String(l.SalesItemLineDetail.Qty).split(".");
            const q = BigInt(qi! + qf);
            const p = BigInt(toMinor(l.SalesItemLineDetail.UnitPrice, order.currency));
            const div = 10n ** BigInt(qf.length);
            const prod = q * p;
            const abs = prod < 0n ? -prod : prod;
            let rounded = abs / div + ((abs % div) * 2n >= div ? 1n : 0n);
            if (prod < 0n) rounded = -rounded;
            expect(BigInt(toMinor(l.Amount, order.currency))).toBe(rounded);
          }
        }
        expect(lines.filter((l) => l.DetailType === "DiscountLineDetail").length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe("classify", () => {
  const fault = (code: string, type: string) => {
    const t = qboFixture<{ Fault: { Error: { code: string; Message: string; Detail: string }[]; type: string } }>("fault.response.template.json");
    t.Fault.Error[0]!.code = code;
    t.Fault.type = type;
    return t;
  };

  it("maps Intuit's fault template by code and type, keeping the vendor code", () => {
    expect(classify(response(400, fault("5010", "ValidationFault")))).toMatchObject({ kind: "conflict", vendorCode: "5010" });
    expect(classify(response(400, fault("6140", "ValidationFault")))).toMatchObject({ kind: "conflict", vendorCode: "6140" });
    expect(classify(response(400, fault("6000", "ValidationFault")))).toMatchObject({ kind: "permanent", vendorCode: "6000" });
    expect(classify(response(500, fault("10000", "SystemFault")))).toMatchObject({ kind: "retryable", vendorCode: "10000" });
    expect(classify(response(200, fault("6000", "ValidationFault")))).toMatchObject({ kind: "permanent", status: 200 });
    expect(classify(response(401, fault("100", "AuthenticationFault")))).toMatchObject({ kind: "auth", vendorCode: "100" });
  });

  it("reads throttling with and without Retry-After (60 s by default)", () => {
    const throttle = { Fault: { Error: [{ Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", Detail: "The request limit was reached.", code: "3001" }], type: "SERVICE" } };
    expect(classify(response(429, throttle))).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 60, vendorCode: "3001" });
    expect(classify(response(429, throttle, { "retry-after": "12" }))).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 12 });
    expect(classify(response(429, { message: "busy" }))).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 60 });
  });

  it("reads the gateway's lower-case 401 and the OAuth failure shape", () => {
    const gateway = { fault: { error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: "Token expired", code: "3200", element: null }], type: "AUTHENTICATION" } };
    expect(classify(response(401, gateway))).toMatchObject({ kind: "auth", vendorCode: "3200" });
    const failure = qboFixture<Record<string, string>>("failure_token_response.json");
    expect(classify(response(400, { ...failure, error: "invalid_grant" }))).toMatchObject({ kind: "auth", vendorCode: "invalid_grant" });
    expect(classify(response(200, { QueryResponse: {} }))).toBeNull();
    expect(classify(response(503, "down"))).toMatchObject({ kind: "retryable" });
  });
});
