// Lightspeed Retail: Sale amounts split exactly over lines, returns as refunds, sub-cent totals refused, 429 waits,
// and the rotating OAuth refresh against the simulator's token endpoint.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { toMinor } from "../../shared/model/money";
import { checkOrderTotals } from "../../shared/model/totals";
import { lightspeedRetail } from "../../workers/connectors/sources/lightspeed-retail";
import { bucketWait, classify, refreshAccessToken } from "../../workers/connectors/sources/lightspeed-retail/http";
import { distribute, millionths, normalizeReturn, normalizeSale } from "../../workers/connectors/sources/lightspeed-retail/normalize";
import { connectorContext } from "../helpers/connector-context";

type Json = Record<string, unknown>;
const files = import.meta.glob("../fixtures/lightspeed-retail/*.json", { eager: true, import: "default" }) as Record<string, { Sale: Json }>;
const sale = (file: string): Json => structuredClone(Object.entries(files).find(([k]) => k.endsWith(`/${file}`))![1].Sale);
const ctx = { connectionId: "c1", currency: "USD" };
/** A Sale's lines, whether Lightspeed sent one (an object) or several (an array). */
const lines = (s: Json): Json[] => [(s.SaleLines as { SaleLine: Json[] | Json }).SaleLine].flat();

describe("Lightspeed Sale normalization", () => {
  it("splits the Sale's rounded taxes over lines by their unrounded line taxes, keeping every cent", () => {
    const s = sale("sale-line-discount.json");
    const event = normalizeSale(s, ctx);
    expect(event?.kind).toBe("order");
    if (event?.kind !== "order") return;
    const tax2 = event.order.lines.map((l) => l.taxes.filter((t) => t.rate === "0.09975").reduce((n, t) => n + t.amount, 0));
    // Line taxes 4.48875 and 0.9975 share the Sale's 5.49 by largest remainder.
    expect(tax2.reduce((a, b) => a + b, 0)).toBe(toMinor(String(s.calcTax2), "USD"));
    expect(tax2).toEqual(distribute(toMinor(String(s.calcTax2), "USD"), lines(s).map((l) => millionths(String(l.calcTax2))), "USD"));
    expect(event.order.lines[0]!.discounts).toEqual([{ amount: 4500, title: "discountrule1" }]);
    expect(checkOrderTotals(event.order).ok).toBe(true);
    expect(event.order.payments.map((p) => p.method)).toEqual(["Credit Card", "Cash"]);
  });

  it("refuses a Sale whose total has more decimals than the currency (quarantine, not a guess)", () => {
    const s = { ...sale("sale-two-taxes.json"), total: "317.105" };
    expect(() => normalizeSale(s, ctx)).toThrow(NormalizeError);
  });

  it("keeps an open sale (still at the register) out of the mesh", () => {
    expect(normalizeSale({ ...sale("sale-two-taxes.json"), completed: "false" }, ctx)).toBeNull();
  });

  it("turns a return Sale into a refund of the original sale, amounts positive, lines pointing at the original lines", () => {
    const r = sale("sale-return.json");
    const event = normalizeReturn(r, "1002", ctx);
    expect(event.kind).toBe("refund");
    if (event.kind !== "refund") return;
    expect(event.sourceOrderId).toBe("1002");
    expect(event.refund.total).toBe(-toMinor(String(r.total), "USD"));
    expect(event.refund.lines).toEqual([expect.objectContaining({ lineId: String(lines(r)[0]!.parentSaleLineID), quantity: "1", restock: true })]);
    expect(event.refund.lines[0]!.amount + event.refund.lines[0]!.tax).toBe(event.refund.total);
    expect(event.refund.payments).toEqual([expect.objectContaining({ kind: "refund", amount: -toMinor(String(r.total), "USD") })]);
  });

  it("reads a one-line Sale (relation as an object, Lightspeed's XML heritage)", () => {
    const event = normalizeSale(sale("sale-voided.json"), ctx);
    expect(event?.kind === "order" && event.order.lines).toHaveLength(1);
    expect(event?.kind === "order" && event.order.financialStatus).toBe("voided");
  });
});

describe("Lightspeed HTTP", () => {
  const response = (status: number, headers: Record<string, string>, body = "") => ({ status, headers: new Headers(headers), text: body, url: "", json: () => JSON.parse(body) });

  it("turns a 429 without Retry-After into the wait the bucket level and drip rate imply", () => {
    const headers = { "X-LS-API-Bucket-Level": "92.57/90", "X-LS-API-Drip-Rate": "1" };
    expect(bucketWait(new Headers(headers))).toBe(4);
    const body = JSON.stringify({ httpCode: "429", httpMessage: "Too Many Requests", message: "Rate Limit Exceeded", errorClass: "RateLimitedException" });
    expect(classify(response(429, headers, body))).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 4, vendorCode: "RateLimitedException" });
  });

  it("refreshes the access token and rotates the refresh token: the old one stops working, the new one works once", async () => {
    const base = { clientId: "demo-lightspeed-client", clientSecret: "demo-lightspeed-client-secret" };
    const config = { accountId: "183702", tokenUrl: "http://localhost:8788/lightspeed-retail/auth/oauth/token" };
    const withRefresh = (refreshToken: string) => connectorContext(lightspeedRetail, { config, credentials: { ...base, refreshToken } });
    // A refresh token of this file's own (the sandbox accepts "<demo seed>-<suffix>" once, to start a chain).
    const seed = `demo-lightspeed-refresh-0-${crypto.randomUUID()}`;
    const first = await refreshAccessToken(withRefresh(seed));
    expect(first.refreshToken).toBeDefined();
    expect(first.expiresAt).toBeGreaterThan(Date.now());
    await expect(refreshAccessToken(withRefresh(seed))).rejects.toMatchObject({ kind: "permanent", status: 400 });
    const next = await refreshAccessToken(withRefresh(first.refreshToken!));
    expect(next.refreshToken).not.toBe(first.refreshToken);
    await expect(refreshAccessToken(withRefresh(first.refreshToken!))).rejects.toMatchObject({ status: 400 });
    const polled = await lightspeedRetail.poll!(connectorContext(lightspeedRetail, { config, credentials: {} }, { accessToken: next.accessToken }), null);
    expect(polled.hasMore).toBe(false);
  });
});
