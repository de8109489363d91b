// The batch coalescer with Xero's transport over a fake Xero: multi-element writes, combined finds and reads, and their split.
import { describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { HttpClient } from "../../shared/connector/http";
import { Coalescer } from "../../workers/connection-actor/batcher";
import { xero } from "../../workers/connectors/destinations/xero";
import * as api from "../../workers/connectors/destinations/xero/api";
import type { InvoicePayload } from "../../workers/connectors/destinations/xero/schemas";

const BASE = "https://api.xero.com/api.xro/2.0";
type Rec = Record<string, unknown>;

/** Validation messages of xero_accounting.yaml's own examples (createBankTransactions 200 with summarizeErrors=false). */
const NO_CONTACT = "The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber";
const NOT_UNIQUE = "Invoice # must be unique.";

interface Call {
  url: URL;
  method: string;
  headers: Headers;
  body: Rec | undefined;
}

/** A Xero stand-in: invoices need a named contact and a unique number; summarizeErrors=false answers per element. */
function fakeXero() {
  const calls: Call[] = [];
  const invoices: Rec[] = [];
  let next = 1;
  const envelope = (key: string, items: Rec[]) => ({ Id: "4b5c0d5e-1111-4c5e-9b1e-000000000000", Status: "OK", ProviderName: "test", DateTimeUTC: "/Date(1767225600000)/", [key]: items });
  const rule = (inv: Rec): string | null => {
    if (!(inv.Contact as Rec | undefined)?.Name) return NO_CONTACT;
    if (invoices.some((i) => i.InvoiceNumber === inv.InvoiceNumber)) return NOT_UNIQUE;
    return null;
  };
  const create = (inv: Rec): Rec => {
    const rec = { ...inv, InvoiceID: `00000000-0000-4000-8000-${String(next++).padStart(12, "0")}`, Status: "AUTHORISED", CurrencyCode: "USD", SubTotal: 10, TotalTax: 0, Total: 10, AmountDue: 10 };
    invoices.push(rec);
    return rec;
  };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as Rec) : undefined;
    calls.push({ url, method, headers: new Headers(init?.headers), body });
    const path = url.pathname.replace("/api.xro/2.0", "");
    if (method === "PUT" && path === "/Invoices") {
      const list = body!.Invoices as Rec[];
      if (url.searchParams.get("summarizeErrors") === "false") {
        return Response.json(envelope("Invoices", list.map((inv) => {
          const bad = rule(inv);
          return bad ? { ...inv, StatusAttributeString: "ERROR", ValidationErrors: [{ Message: bad }] } : { ...create(inv), StatusAttributeString: "OK" };
        })));
      }
      const bad = rule(list[0]!);
      if (bad) return Response.json({ ErrorNumber: 10, Type: "ValidationException", Message: "A validation exception occurred", Elements: [{ ...list[0], ValidationErrors: [{ Message: bad }] }] }, { status: 400 });
      return Response.json(envelope("Invoices", list.map(create)));
    }
    if (method === "PUT" && path === "/Payments") return Response.json(envelope("Payments", (body!.Payments as Rec[]).map((p, i) => ({ ...p, PaymentID: `p-${i}`, Status: "AUTHORISED" }))));
    if (method === "GET" && path === "/Invoices") {
      const where = url.searchParams.get("where") ?? "";
      const one = /InvoiceNumber=="([^"]*)"/.exec(where)?.[1];
      const numbers = url.searchParams.get("InvoiceNumbers")?.split(",");
      const ids = url.searchParams.get("IDs")?.split(",");
      const rows = invoices.filter((i) => (one === undefined || i.InvoiceNumber === one) && (!numbers || numbers.includes(String(i.InvoiceNumber))) && (!ids || ids.includes(String(i.InvoiceID))));
      return Response.json(envelope("Invoices", rows));
    }
    const byId = /^\/Invoices\/([^/]+)$/.exec(path);
    if (method === "GET" && byId) {
      const inv = invoices.find((i) => i.InvoiceID === byId[1]);
      return inv ? Response.json(envelope("Invoices", [inv])) : new Response("The resource you're looking for cannot be found", { status: 404, headers: { "content-type": "text/plain" } });
    }
    return new Response("unexpected", { status: 500 });
  };
  return { calls, invoices, fetch: fetch as typeof globalThis.fetch };
}

function ctxFor(fake: ReturnType<typeof fakeXero>, backlog: () => boolean): ConnectorContext {
  const http = new HttpClient({ baseUrl: BASE, allowedHosts: xero.hosts, classify: (res) => xero.classify(res), fetch: fake.fetch });
  const coalescer = new Coalescer(xero.batch!, { backlog, lingerMs: 2, maxHoldMs: 2 });
  return { http: coalescer.wrap(http), connection: { config: { tenantId: "t-1" } } } as unknown as ConnectorContext;
}

const invoice = (n: string, contact: string | null): InvoicePayload =>
  ({
    Type: "ACCREC",
    Contact: contact === null ? {} : { Name: contact },
    Date: "2026-11-01",
    DueDate: "2026-11-01",
    LineAmountTypes: "Exclusive",
    InvoiceNumber: n,
    Reference: n,
    CurrencyCode: "USD",
    Status: "AUTHORISED",
    LineItems: [{ Description: "Tee", Quantity: 1, UnitAmount: 10, TaxType: "NONE", TaxAmount: 0 }],
  }) as InvoicePayload;

async function outcome<T>(p: Promise<T>): Promise<T | ConnectorError> {
  return p.catch((e: unknown) => {
    if (e instanceof ConnectorError) return e;
    throw e;
  });
}

describe("Xero batch transport", () => {
  it("60 concurrent invoice creates under a backlog go as PUTs of 50 and 10 elements with summarizeErrors=false", async () => {
    const fake = fakeXero();
    const ctx = ctxFor(fake, () => true);
    const numbers = Array.from({ length: 60 }, (_, i) => `ORD-${i}`);
    const created = await Promise.all(numbers.map((n, i) => api.createInvoice(ctx, invoice(n, `Customer ${i}`), `req-${i}`)));
    expect(fake.calls.map((c) => (c.body!.Invoices as Rec[]).length)).toEqual([xero.batch!.maxOperations, numbers.length - xero.batch!.maxOperations]);
    for (const c of fake.calls) {
      expect(c.method).toBe("PUT");
      expect(c.url.searchParams.get("summarizeErrors")).toBe("false");
      expect(c.url.searchParams.get("unitdp")).toBe("4");
      expect(c.headers.get("idempotency-key")!.length).toBeLessThanOrEqual(128);
    }
    expect(fake.calls[0]!.headers.get("idempotency-key")).not.toBe(fake.calls[1]!.headers.get("idempotency-key"));
    created.forEach((inv, i) => expect(inv.InvoiceNumber).toBe(numbers[i]));
    expect(new Set(created.map((i) => i.InvoiceID)).size).toBe(numbers.length);
  });

  it("the same elements in the same order carry the same Idempotency-Key (a retried batch replays)", async () => {
    const keys: string[] = [];
    for (let run = 0; run < 2; run++) {
      const fake = fakeXero();
      const ctx = ctxFor(fake, () => true);
      await Promise.all([0, 1, 2].map((i) => api.createInvoice(ctx, invoice(`K-${i}`, "A"), `key-${i}`)));
      expect(fake.calls).toHaveLength(1);
      keys.push(fake.calls[0]!.headers.get("idempotency-key")!);
    }
    expect(keys[0]).toBe(keys[1]);
  });

  it("a rejected element fails only its caller, classified exactly as the same request alone", async () => {
    const single = fakeXero();
    single.invoices.push({ InvoiceNumber: "DUP-1", InvoiceID: "x" });
    const aloneCtx = ctxFor(single, () => false);
    const aloneMissing = await outcome(api.createInvoice(aloneCtx, invoice("NC-1", null), "alone-1"));
    const aloneDup = await outcome(api.createInvoice(aloneCtx, invoice("DUP-1", "B"), "alone-2"));
    expect(aloneMissing).toBeInstanceOf(ConnectorError);
    expect(aloneDup).toBeInstanceOf(ConnectorError);

    const fake = fakeXero();
    fake.invoices.push({ InvoiceNumber: "DUP-1", InvoiceID: "x" });
    const ctx = ctxFor(fake, () => true);
    const payloads = Array.from({ length: 8 }, (_, i) => (i === 3 ? invoice("NC-1", null) : i === 5 ? invoice("DUP-1", "B") : invoice(`OK-${i}`, "C")));
    const results = await Promise.all(payloads.map((p, i) => outcome(api.createInvoice(ctx, p, `mix-${i}`))));
    expect(fake.calls).toHaveLength(1);
    for (const [i, expected] of [[3, aloneMissing], [5, aloneDup]] as const) {
      const got = results[i] as ConnectorError;
      const want = expected as ConnectorError;
      expect(got).toBeInstanceOf(ConnectorError);
      expect({ kind: got.kind, status: got.status, vendorCode: got.vendorCode, message: got.message }).toEqual({ kind: want.kind, status: want.status, vendorCode: want.vendorCode, message: want.message });
    }
    expect((results[5] as ConnectorError).kind).toBe("conflict");
    expect((results[3] as ConnectorError).kind).toBe("permanent");
    results.forEach((r, i) => {
      if (i !== 3 && i !== 5) expect((r as { InvoiceNumber: string }).InvoiceNumber).toBe(`OK-${i}`);
    });
  });

  it("finds share one GET /Invoices with InvoiceNumbers, and each caller sees only its own invoice", async () => {
    const fake = fakeXero();
    for (const n of ["F-1", "F-3"]) fake.invoices.push({ InvoiceNumber: n, InvoiceID: `id-${n}`, Type: "ACCREC", Status: "AUTHORISED", CurrencyCode: "USD", Contact: {}, SubTotal: 1, TotalTax: 0, Total: 1 });
    const ctx = ctxFor(fake, () => true);
    const found = await Promise.all(["F-1", "F-2", "F-3"].map((n) => api.findInvoice(ctx, n)));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.url.searchParams.get("InvoiceNumbers")!.split(",")).toEqual(["F-1", "F-2", "F-3"]);
    expect(found.map((f) => f?.InvoiceID ?? null)).toEqual(["id-F-1", null, "id-F-3"]);
  });

  it("reads by id share one GET /Invoices?IDs; an unknown id gets the 404 its own read would get", async () => {
    const fake = fakeXero();
    const ctx = ctxFor(fake, () => false);
    const made = await api.createInvoice(ctx, invoice("G-1", "D"), "g-1");
    const missing = "00000000-0000-4000-8000-999999999999";
    const aloneMissing = await outcome(api.getInvoice(ctx, missing));
    fake.calls.length = 0;
    const batched = ctxFor(fake, () => true);
    const [got, gone] = await Promise.all([outcome(api.getInvoice(batched, made.InvoiceID)), outcome(api.getInvoice(batched, missing))]);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.url.searchParams.get("IDs")).toBe(`${made.InvoiceID},${missing}`);
    expect((got as { InvoiceNumber: string }).InvoiceNumber).toBe("G-1");
    expect((gone as ConnectorError).kind).toBe((aloneMissing as ConnectorError).kind);
    expect((gone as ConnectorError).status).toBe(404);
  });

  it("invoices and payments never share a request; a listing with If-Modified-Since travels alone", async () => {
    const fake = fakeXero();
    const ctx = ctxFor(fake, () => true);
    const target = { Invoice: { InvoiceID: "00000000-0000-4000-8000-000000000001" } };
    await Promise.all([
      api.createInvoice(ctx, invoice("L-1", "E"), "l-1"),
      api.createInvoice(ctx, invoice("L-2", "E"), "l-2"),
      api.createPayment(ctx, { target, accountCode: "090", date: "2026-11-01", amount: 10, reference: "t1" }, "pay-1"),
      api.createPayment(ctx, { target, accountCode: "090", date: "2026-11-01", amount: 5, reference: "t2" }, "pay-2"),
      api.listInvoices(ctx, new Date("2026-11-01T00:00:00Z"), 1),
    ]);
    const byPath = fake.calls.map((c) => `${c.method} ${c.url.pathname.split("/").at(-1)} ${((c.body?.Invoices ?? c.body?.Payments) as Rec[] | undefined)?.length ?? 0}`).sort();
    expect(byPath).toEqual(["GET Invoices 0", "PUT Invoices 2", "PUT Payments 2"]);
    expect(fake.calls.find((c) => c.method === "GET")!.headers.get("if-modified-since")).not.toBeNull();
  });
});
