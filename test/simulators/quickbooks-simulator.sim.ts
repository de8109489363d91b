// The QuickBooks simulator's lookups by DocNumber: answered from an index (SimStore.matching) instead of reading every
// document of the company, with the same answers the query language gives — the adoption search of every sync and the
// 6140 duplicate-number rule depend on them.
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX, sandbox } from "../helpers/connector-context";

const run = `qs${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const realm = String(9_000_000_000 + Math.floor(Math.random() * 1e9));
const otherRealm = String(Number(realm) + 1);
let token = "";

type Json = Record<string, unknown>;
type Doc = { Id: string; DocNumber: string; TotalAmt: number };

async function api(method: string, path: string, body?: unknown, company = realm): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${SANDBOX}/quickbooks-online/v3/company/${company}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

const receipt = (DocNumber: string, amount: number) => ({
  DocNumber,
  CustomerRef: { value: "1" },
  Line: [{ DetailType: "SalesItemLineDetail", Amount: amount, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 1, UnitPrice: amount } }],
});

async function create(DocNumber: string, amount: number, company = realm): Promise<Doc> {
  const res = await api("POST", "/salesreceipt?minorversion=75", receipt(DocNumber, amount), company);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.SalesReceipt as Doc;
}

async function select(q: string, company = realm): Promise<Doc[]> {
  const res = await api("GET", `/query?minorversion=75&query=${encodeURIComponent(q)}`, undefined, company);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return (((res.json.QueryResponse as Json).SalesReceipt as Doc[] | undefined) ?? []);
}

describe("QuickBooks simulator: lookups by DocNumber", () => {
  const n = (s: string) => `${run}${s}`.slice(-21);
  let a: Doc, b: Doc, dated: Doc;

  beforeAll(async () => {
    const res = await fetch(`${SANDBOX}/quickbooks-online/oauth2/v1/tokens/bearer`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa("demo-qbo-client:demo-qbo-secret")}`, "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=refresh_token&refresh_token=test-seed-${run}`,
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    a = await create(n("a"), 10);
    b = await create(n("b"), 20);
    // Another company's receipt with the same number is not this company's.
    await create(n("a"), 99, otherRealm);
    // A number that reads as a date is compared as a date by the query language: it must still be found.
    dated = await create(`2026-11-0${Math.floor(Math.random() * 9) + 1}`, 5);
  });

  it("finds one number, several numbers in creation order, and matches field names in any case", async () => {
    expect((await select(`select * from SalesReceipt where DocNumber = '${a.DocNumber}'`)).map((d) => d.Id)).toEqual([a.Id]);
    expect((await select(`select * from SalesReceipt where DocNumber IN ('${b.DocNumber}', '${a.DocNumber}')`)).map((d) => d.Id)).toEqual([a.Id, b.Id]);
    expect((await select(`select * from SalesReceipt where docnumber = '${b.DocNumber}'`)).map((d) => d.Id)).toEqual([b.Id]);
    expect(await select(`select * from SalesReceipt where DocNumber = '${n("none")}'`)).toEqual([]);
    expect((await select(`select * from SalesReceipt where DocNumber = '${a.DocNumber}'`, otherRealm)).map((d) => d.TotalAmt)).toEqual([99]);
  });

  it("applies the query's other conditions to what the number finds", async () => {
    expect(await select(`select * from SalesReceipt where DocNumber = '${a.DocNumber}' and TotalAmt > '15'`)).toEqual([]);
    expect((await select(`select * from SalesReceipt where TotalAmt > '15' and DocNumber IN ('${a.DocNumber}', '${b.DocNumber}')`)).map((d) => d.Id)).toEqual([b.Id]);
    expect((await select(`select * from SalesReceipt where DocNumber = '${dated.DocNumber}'`)).map((d) => d.Id)).toContain(dated.Id);
  });

  it("still refuses a second document with a taken number (6140), in this company only, and counts what it created", async () => {
    const before = await sandbox<Record<string, number>>("/_stats/quickbooks-online");
    const dup = await api("POST", "/salesreceipt?minorversion=75", receipt(a.DocNumber, 10));
    expect(dup.status).toBe(400);
    expect(JSON.stringify(dup.json)).toContain("6140");
    // Editing a receipt keeps its own number and is not a new document.
    const edit = await api("POST", "/salesreceipt?minorversion=75", { Id: a.Id, SyncToken: "0", sparse: true, PrivateNote: "edited" });
    expect(edit.status, JSON.stringify(edit.json)).toBe(200);
    await create(n("c"), 30);
    const after = await sandbox<Record<string, number>>("/_stats/quickbooks-online");
    expect((after[`sales_documents:${realm}`] ?? 0) - (before[`sales_documents:${realm}`] ?? 0)).toBe(1);
  });
});
