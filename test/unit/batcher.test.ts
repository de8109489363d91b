// The batch coalescer with QuickBooks' batch transport over a fake QBO: when requests share a batch, and what each caller gets.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { HttpClient, type HttpResponse } from "../../shared/connector/http";
import { Coalescer } from "../../workers/connection-actor/batcher";
import { quickbooksOnline as qbo } from "../../workers/connectors/destinations/quickbooks-online";

const BASE = "https://quickbooks.api.intuit.com";
const REALM = "4620816365257781";

/** The duplicate-name Fault of Intuit's batch page example (all-entities/batch, "Returns"). */
const DUPLICATE_NAME = {
  type: "ValidationFault",
  Error: [{ Message: "Duplicate Name Exists Error", code: "6240", Detail: "The name supplied already exists. : Another customer, vendor or employee is already using this \nname. Please use a different name.", element: "" }],
};
const THROTTLED = { type: "SERVICE", Error: [{ Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", Detail: "The request limit was reached.  Try again later", code: "3001" }] };

interface Call {
  url: URL;
  method: string;
  body: Record<string, unknown> | undefined;
}

type Rec = Record<string, unknown>;

/** A QBO stand-in: customers are created unless their name starts with "dup"; a batch answers item by item. */
function fakeQbo(opts: { batchAnswer?: () => Response; failNetwork?: boolean } = {}) {
  const calls: Call[] = [];
  let nextId = 100;
  const one = (entity: string, body: Rec): Rec =>
    String(body.DisplayName ?? "").startsWith("dup") ? { Fault: DUPLICATE_NAME } : { [entity]: { ...body, Id: String(nextId++), SyncToken: "0" } };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as Rec) : undefined;
    calls.push({ url, method: init?.method ?? "GET", body });
    if (opts.failNetwork) throw new TypeError("connection reset");
    const time = "2026-05-01T10:00:00.000-07:00";
    if (url.pathname.endsWith("/batch")) {
      if (opts.batchAnswer) return opts.batchAnswer();
      const items = (body!.BatchItemRequest as Rec[]).map((item) => {
        if (item.Query) return { bId: item.bId, QueryResponse: {} };
        return { bId: item.bId, ...one("Customer", item.Customer as Rec) };
      });
      return Response.json({ BatchItemResponse: items.reverse(), time });
    }
    if (url.pathname.endsWith("/query")) return Response.json({ QueryResponse: {}, time });
    if (init?.method === "GET") return Response.json({ Customer: { Id: url.pathname.split("/").at(-1), SyncToken: "0" }, time });
    const answer = one("Customer", body!);
    return Response.json({ ...answer, time }, { status: answer.Fault ? 400 : 200 });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

function harness(fake: ReturnType<typeof fakeQbo>, backlog: () => boolean, maxHoldMs = 2) {
  const http = new HttpClient({ baseUrl: BASE, allowedHosts: qbo.hosts, classify: (res) => qbo.classify(res), fetch: fake.fetch });
  const coalescer = new Coalescer(qbo.batch!, { backlog, lingerMs: 2, maxHoldMs });
  return coalescer.wrap(http);
}

const createCustomer = (http: HttpClient, name: string, requestId: string): Promise<HttpResponse> =>
  http.send({
    method: "POST",
    url: `/v3/company/${REALM}/customer`,
    query: { minorversion: "75", requestid: requestId },
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ DisplayName: name }),
  });

const queryItems = (http: HttpClient, sku: string): Promise<HttpResponse> =>
  http.send({ method: "GET", url: `/v3/company/${REALM}/query`, query: { query: `select * from Item where Sku = '${sku}'`, minorversion: "75" } });

async function outcome(p: Promise<HttpResponse>): Promise<HttpResponse | ConnectorError> {
  return p.catch((e: unknown) => {
    if (e instanceof ConnectorError) return e;
    throw e;
  });
}

const batchItems = (c: Call): Rec[] => (c.body?.BatchItemRequest as Rec[] | undefined) ?? [];

describe("batch coalescer (QuickBooks transport)", () => {
  it("45 concurrent creates under a backlog go as two batch requests of 30 and 15, each caller getting its own record", async () => {
    const fake = fakeQbo();
    const http = harness(fake, () => true);
    const names = Array.from({ length: 45 }, (_, i) => `Customer ${i}`);
    const answers = await Promise.all(names.map((n, i) => createCustomer(http, n, `req-${i}`)));
    expect(fake.calls.map((c) => c.url.pathname)).toEqual([`/v3/company/${REALM}/batch`, `/v3/company/${REALM}/batch`]);
    expect(fake.calls.map((c) => batchItems(c).length)).toEqual([qbo.batch!.maxOperations, names.length - qbo.batch!.maxOperations]);
    answers.forEach((res, i) => expect(res.json<{ Customer: { DisplayName: string } }>().Customer.DisplayName).toBe(names[i]));
    for (const c of fake.calls) {
      const requestId = c.url.searchParams.get("requestid")!;
      expect(requestId.length).toBeLessThanOrEqual(36);
      expect(c.url.searchParams.get("minorversion")).toBe("75");
      const bIds = batchItems(c).map((i) => String(i.bId));
      expect(new Set(bIds).size).toBe(bIds.length);
      for (const b of bIds) expect(b.length).toBeLessThanOrEqual(10);
      for (const item of batchItems(c)) expect(item.operation).toBe("create");
    }
    expect(fake.calls[0]!.url.searchParams.get("requestid")).not.toBe(fake.calls[1]!.url.searchParams.get("requestid"));
  });

  it("without a backlog every request goes alone, as before", async () => {
    const fake = fakeQbo();
    const http = harness(fake, () => false);
    await Promise.all(Array.from({ length: 45 }, (_, i) => createCustomer(http, `Solo ${i}`, `solo-${i}`)));
    expect(fake.calls).toHaveLength(45);
    for (const c of fake.calls) expect(c.url.pathname).toBe(`/v3/company/${REALM}/customer`);
  });

  it("forms batches only while the budget's batch allowance has room; otherwise the requests go alone", async () => {
    const fake = fakeQbo();
    let room = false;
    const http = new Coalescer(qbo.batch!, { backlog: () => true, lingerMs: 2, maxHoldMs: 2, batchAllowed: () => room }).wrap(
      new HttpClient({ baseUrl: BASE, allowedHosts: qbo.hosts, classify: (res) => qbo.classify(res), fetch: fake.fetch }),
    );
    await Promise.all(Array.from({ length: 5 }, (_, i) => createCustomer(http, `Alone ${i}`, `alone-${i}`)));
    expect(fake.calls.map((c) => c.url.pathname)).toEqual(Array(5).fill(`/v3/company/${REALM}/customer`));
    room = true;
    await Promise.all(Array.from({ length: 5 }, (_, i) => createCustomer(http, `Together ${i}`, `together-${i}`)));
    expect(fake.calls.slice(5).map((c) => c.url.pathname)).toEqual([`/v3/company/${REALM}/batch`]);
  });

  it("a whole-batch 429 fails every caller with rate_limited and the vendor's Retry-After", async () => {
    const fake = fakeQbo({ batchAnswer: () => Response.json({ Fault: THROTTLED, time: "2026-05-01T10:00:00Z" }, { status: 429, headers: { "retry-after": "7" } }) });
    const http = harness(fake, () => true);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => outcome(createCustomer(http, `Busy ${i}`, `busy-${i}`))));
    expect(fake.calls).toHaveLength(1);
    for (const r of results) {
      expect(r).toBeInstanceOf(ConnectorError);
      expect((r as ConnectorError).kind).toBe("rate_limited");
      expect((r as ConnectorError).retryAfterSeconds).toBe(7);
    }
  });

  it("a batch lost on the network fails every caller with the same retryable error", async () => {
    const fake = fakeQbo({ failNetwork: true });
    const http = harness(fake, () => true);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => outcome(createCustomer(http, `Lost ${i}`, `lost-${i}`))));
    expect(fake.calls).toHaveLength(1);
    for (const r of results) expect((r as ConnectorError).kind).toBe("retryable");
  });

  it("a per-item Fault fails only its caller, with the error the same request alone would get", async () => {
    const alone = await outcome(createCustomer(harness(fakeQbo(), () => false), "dup Walk-in", "dup-alone"));
    expect(alone).toBeInstanceOf(ConnectorError);

    const fake = fakeQbo();
    const http = harness(fake, () => true);
    const names = Array.from({ length: 10 }, (_, i) => (i === 7 ? "dup Walk-in" : `Fine ${i}`));
    const results = await Promise.all(names.map((n, i) => outcome(createCustomer(http, n, `mix-${i}`))));
    expect(fake.calls).toHaveLength(1);
    results.forEach((r, i) => {
      if (i !== 7) return expect((r as HttpResponse).json<{ Customer: { DisplayName: string } }>().Customer.DisplayName).toBe(names[i]);
      const err = r as ConnectorError;
      const single = alone as ConnectorError;
      expect(err).toBeInstanceOf(ConnectorError);
      expect({ kind: err.kind, vendorCode: err.vendorCode, status: err.status, message: err.message }).toEqual({
        kind: single.kind,
        vendorCode: single.vendorCode,
        status: single.status,
        message: single.message,
      });
      expect(err.vendorCode).toBe(DUPLICATE_NAME.Error[0]!.code);
    });
  });

  it("keeps queries and writes in separate batches; a write batch's requestid follows from its items' requestids", async () => {
    const run = async () => {
      const fake = fakeQbo();
      const http = harness(fake, () => true);
      await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => queryItems(http, `SKU-${i}`)),
        ...Array.from({ length: 6 }, (_, i) => createCustomer(http, `Lane ${i}`, `lane-${i}`)),
      ]);
      return fake.calls;
    };
    const first = await run();
    expect(first).toHaveLength(2);
    const reads = first.find((c) => batchItems(c).every((i) => typeof i.Query === "string"))!;
    const writes = first.find((c) => batchItems(c).every((i) => i.operation === "create"))!;
    expect(batchItems(reads)).toHaveLength(6);
    expect(batchItems(writes)).toHaveLength(6);
    // A replayed query batch would answer stale rows: query batches carry no requestid.
    expect(reads.url.searchParams.has("requestid")).toBe(false);
    const again = await run();
    const writesAgain = again.find((c) => batchItems(c).every((i) => i.operation === "create"))!;
    expect(writesAgain.url.searchParams.get("requestid")).toBe(writes.url.searchParams.get("requestid"));
  });

  it("stays within QuickBooks' 40 batch requests a minute: past the allowance requests go alone", async () => {
    const fake = fakeQbo();
    const http = harness(fake, () => true);
    const allowance = qbo.batch!.perMinute!;
    for (let round = 0; round < allowance; round++) {
      await Promise.all([createCustomer(http, `R${round}a`, `r${round}a`), createCustomer(http, `R${round}b`, `r${round}b`)]);
    }
    const batches = fake.calls.filter((c) => c.url.pathname.endsWith("/batch"));
    const singles = fake.calls.filter((c) => !c.url.pathname.endsWith("/batch"));
    expect(batches.length).toBeLessThan(allowance);
    expect(batches.length + singles.length / 2).toBe(allowance);
  });

  it("keeps a forming batch open while the budget has no free slot, and sends it once one frees", async () => {
    const fake = fakeQbo();
    let slotsTaken = true;
    const http = harness(fake, () => slotsTaken, 60_000);
    const early = Array.from({ length: 3 }, (_, i) => createCustomer(http, `Early ${i}`, `early-${i}`));
    // Well past the linger: the batch is still forming because no slot is free.
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.calls).toHaveLength(0);
    const late = Array.from({ length: 3 }, (_, i) => createCustomer(http, `Late ${i}`, `late-${i}`));
    slotsTaken = false;
    await Promise.all([...early, ...late]);
    expect(fake.calls.map((c) => batchItems(c).length)).toEqual([6]);
  });

  it("sends a read by id, a write without requestid and a lone request unbatched", async () => {
    const fake = fakeQbo();
    const http = harness(fake, () => true);
    await createCustomer(http, "Lonely", "lonely-1");
    await http.raw({ method: "GET", url: `/v3/company/${REALM}/customer/100`, query: { minorversion: "75" } });
    await http.raw({ method: "POST", url: `/v3/company/${REALM}/customer`, query: { minorversion: "75" }, body: JSON.stringify({ DisplayName: "No key" }) });
    expect(fake.calls.map((c) => c.url.pathname)).toEqual([`/v3/company/${REALM}/customer`, `/v3/company/${REALM}/customer/100`, `/v3/company/${REALM}/customer`]);
  });
});
