// The Business Central simulator's posted-invoice cancel: one corrective credit memo that reverses it, never a second.
import { beforeAll, describe, expect, it } from "vitest";
import { dynamics365BusinessCentral as bc } from "../../workers/connectors/destinations/dynamics-365-business-central";
import { SANDBOX, connectorContext, sandbox } from "../helpers/connector-context";

const run = `bs${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const hex = Array.from(run, (ch) => ch.charCodeAt(0).toString(16)).join("").padEnd(12, "0").slice(-12);
const config = { tenantId: `tenant-${run}`, environment: "production", companyId: `5e5e0b0c-4f50-4a6b-8c7d-${hex}` };
const credentials = { clientId: `app-${run}`, clientSecret: `secret-${run}` };
let token = "";

type Json = Record<string, unknown>;
type Doc = { id: string; number: string; status: string; externalDocumentNumber: string; totalAmountIncludingTax: number; remainingAmount?: number; invoiceId?: string; invoiceNumber?: string; "@odata.etag": string };
type Line = { lineType: string; lineObjectNumber: string; quantity: number; unitPrice: number; amountIncludingTax: number };

async function api(method: string, rest: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${SANDBOX}/${bc.slug}/v2.0/${config.tenantId}/${config.environment}/api/v2.0/companies(${config.companyId})/${rest}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
}

const filter = (set: string, expr: string) => api("GET", `${set}?$filter=${encodeURIComponent(expr)}`).then((r) => r.json.value as Doc[]);

beforeAll(async () => {
  await sandbox(`/${bc.slug}/_sim/clients`, credentials);
  token = (await bc.refreshAccessToken!(connectorContext(bc, { config, credentials }))).accessToken;
});

describe("Business Central simulator: cancelling a posted sales invoice", () => {
  it("Microsoft.NAV.cancel posts one corrective credit memo copying the invoice and marks it Canceled; a second cancel is refused", async () => {
    const ext = `C-${run}`.toUpperCase();
    // The walk-in customer 10000 and item MISC every simulated company starts with.
    const order = await api("POST", "salesOrders?$expand=salesOrderLines", {
      externalDocumentNumber: ext, customerNumber: "10000", currencyCode: "USD",
      salesOrderLines: [{ lineType: "Item", lineObjectNumber: "MISC", description: "Saffron 1g", quantity: 3, unitPrice: 10.25, taxCode: "NONTAXABLE" }],
    });
    expect(order.status).toBe(201);
    expect((await api("POST", `salesOrders(${String(order.json.id)})/Microsoft.NAV.shipAndInvoice`)).status).toBe(204);
    const [invoice] = await filter("salesInvoices", `externalDocumentNumber eq '${ext}'`);
    // 3 × 10.25, no tax.
    expect(invoice).toMatchObject({ status: "Open", totalAmountIncludingTax: 30.75, remainingAmount: 30.75 });
    const invoiceLines = (await api("GET", `salesInvoices(${invoice!.id})/salesInvoiceLines`)).json.value as Line[];

    const cancel = await api("POST", `salesInvoices(${invoice!.id})/Microsoft.NAV.cancel`);
    expect(cancel.status).toBe(204);
    const canceled = (await api("GET", `salesInvoices(${invoice!.id})`)).json as Doc;
    expect(canceled).toMatchObject({ status: "Canceled", remainingAmount: 0, totalAmountIncludingTax: invoice!.totalAmountIncludingTax });

    const memos = await filter("salesCreditMemos", `invoiceId eq ${invoice!.id}`);
    expect(memos).toHaveLength(1);
    expect(memos[0]).toMatchObject({ status: "Corrective", invoiceNumber: invoice!.number, externalDocumentNumber: ext, totalAmountIncludingTax: invoice!.totalAmountIncludingTax });
    const memoLines = (await api("GET", `salesCreditMemos(${memos[0]!.id})/salesCreditMemoLines`)).json.value as Line[];
    const shape = (l: Line) => [l.lineType, l.lineObjectNumber, l.quantity, l.unitPrice, l.amountIncludingTax];
    expect(memoLines.map(shape)).toEqual(invoiceLines.map(shape));

    // The API page's AlreadyCanceledErr, as Application_DialogException; still one credit memo.
    const again = await api("POST", `salesInvoices(${invoice!.id})/Microsoft.NAV.cancel`);
    expect(again.status).toBe(400);
    expect(again.json.error).toMatchObject({ code: "Application_DialogException" });
    expect(String((again.json.error as Json).message)).toContain("already been canceled");
    expect(await filter("salesCreditMemos", `invoiceId eq ${invoice!.id}`)).toHaveLength(1);

    // The corrective credit memo is posted: no edits, no delete.
    expect((await api("PATCH", `salesCreditMemos(${memos[0]!.id})`, { externalDocumentNumber: "X" })).status).toBe(405);
    expect((await api("DELETE", `salesCreditMemos(${memos[0]!.id})`)).status).toBe(405);
  });
});
