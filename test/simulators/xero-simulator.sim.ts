// The Xero simulator's payment and void rules: an invoice with payments cannot be voided, a deleted payment reopens it.
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { xero400Example } from "../helpers/specs-xero";

const run = `xs${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const tenantId = crypto.randomUUID();
const otherTenant = crypto.randomUUID();
const client = { clientId: `client-${run}`, clientSecret: `secret-${run}`, refreshToken: `rt0-${run}`, tenants: [tenantId, otherTenant] };
let token = "";

type Json = Record<string, unknown>;
type Invoice = { InvoiceID: string; Status: string; Total: number; AmountDue: number; AmountPaid: number; Payments: Array<{ PaymentID: string; Amount: number }> };

async function api(method: string, path: string, body?: unknown, tenant = tenantId): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${SANDBOX}/xero${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenant, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith("{") ? (JSON.parse(text) as Json) : { text } };
}

const invoice = async (id: string): Promise<Invoice> => ((await api("GET", `/Invoices/${id}`)).json.Invoices as Invoice[])[0]!;

/** An AUTHORISED invoice of two lines (no tax) and its payments, each `amounts` on bank account 090. */
async function paidInvoice(number: string, amounts: number[]): Promise<Invoice> {
  const created = await api("PUT", "/Invoices", {
    Invoices: [{
      Type: "ACCREC", Contact: { Name: `Customer ${run}` }, Date: "2026-05-01", DueDate: "2026-05-01", InvoiceNumber: number, Status: "AUTHORISED",
      LineItems: [{ Description: "Saffron 1g", Quantity: 2, UnitAmount: 12.5, AccountCode: "200", TaxType: "NONE" }, { Description: "Cardamom", Quantity: 1, UnitAmount: 7.25, AccountCode: "200", TaxType: "NONE" }],
    }],
  });
  expect(created.status).toBe(200);
  const inv = (created.json.Invoices as Invoice[])[0]!;
  for (const [i, Amount] of amounts.entries()) {
    const paid = await api("PUT", "/Payments", { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: "090" }, Date: "2026-05-01", Amount, Reference: `${number}-P${i}` }] });
    expect(paid.status).toBe(200);
  }
  return invoice(inv.InvoiceID);
}

const voidIt = (id: string) => api("POST", `/Invoices/${id}`, { Invoices: [{ InvoiceID: id, Status: "VOIDED" }] });

beforeAll(async () => {
  await sandbox("/xero/_sim/clients", client);
  const res = await fetch(`${SANDBOX}/xero/connect/token`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: client.refreshToken }).toString(),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

describe("Xero simulator: payments and voids", () => {
  it("refuses to void a paid invoice with Xero's ValidationException; deleting the payment reopens it, then it voids", async () => {
    // 2 × 12.50 + 7.25 = 32.25, paid in full: PAID.
    const inv = await paidInvoice(`${run}-1`, [32.25]);
    expect(inv).toMatchObject({ Status: "PAID", Total: 32.25, AmountDue: 0, AmountPaid: 32.25 });

    const refused = await voidIt(inv.InvoiceID);
    expect(refused.status).toBe(400);
    // The envelope of the spec's own 400 example (components.schemas.Error), with the element's validation error.
    const example = xero400Example("createAccount");
    expect(Object.keys(refused.json).sort()).toEqual(Object.keys(example).sort());
    expect(refused.json).toMatchObject({ ErrorNumber: example.ErrorNumber, Type: example.Type });
    const messages = (refused.json.Elements as Array<{ ValidationErrors: Array<{ Message: string }> }>)[0]!.ValidationErrors.map((v) => v.Message);
    expect(messages).toEqual(["The status VOIDED cannot be applied to the invoice because it has payments or credit notes allocated to it."]);
    expect((await invoice(inv.InvoiceID)).Status).toBe("PAID");

    // operationId deletePayment: {"Status":"DELETED"} (components.schemas.PaymentDelete).
    const paymentId = inv.Payments[0]!.PaymentID;
    const deleted = await api("POST", `/Payments/${paymentId}`, { Status: "DELETED" });
    expect(deleted.status).toBe(200);
    expect((deleted.json.Payments as Array<{ PaymentID: string; Status: string }>)[0]).toMatchObject({ PaymentID: paymentId, Status: "DELETED" });
    const reopened = await invoice(inv.InvoiceID);
    expect(reopened).toMatchObject({ Status: "AUTHORISED", AmountPaid: 0, AmountDue: inv.Total, Payments: [] });

    // A deleted payment stays deleted: deleting it again is refused.
    expect((await api("POST", `/Payments/${paymentId}`, { Status: "DELETED" })).status).toBe(400);

    const voided = await voidIt(inv.InvoiceID);
    expect(voided.status).toBe(200);
    expect((voided.json.Invoices as Invoice[])[0]!.Status).toBe("VOIDED");
  });

  it("a partly paid invoice is refused too until every payment is deleted (the spec example's {Payments:[…]} body deletes as well)", async () => {
    const inv = await paidInvoice(`${run}-2`, [10, 5.25]);
    expect(inv).toMatchObject({ Status: "AUTHORISED", AmountPaid: 15.25, AmountDue: 17 });
    expect((await voidIt(inv.InvoiceID)).status).toBe(400);
    expect((await api("POST", `/Payments/${inv.Payments[0]!.PaymentID}`, { Payments: [{ Status: "DELETED" }] })).status).toBe(200);
    expect(await invoice(inv.InvoiceID)).toMatchObject({ Status: "AUTHORISED", AmountPaid: 5.25, AmountDue: 27 });
    expect((await voidIt(inv.InvoiceID)).status).toBe(400);
    expect((await api("POST", `/Payments/${inv.Payments[1]!.PaymentID}`, { Status: "DELETED" })).status).toBe(200);
    expect((await voidIt(inv.InvoiceID)).status).toBe(200);
    // A payment is never edited: only DELETED is accepted, and an unknown payment is Xero's plain 404.
    expect((await api("POST", `/Payments/${inv.Payments[0]!.PaymentID}`, { Status: "AUTHORISED" })).status).toBe(400);
    expect((await api("POST", `/Payments/${crypto.randomUUID()}`, { Status: "DELETED" })).status).toBe(404);
  });
});

describe("Xero simulator: lookups by number (indexed) see one tenant's documents", () => {
  const draft = (InvoiceNumber: string, UnitAmount: number) => ({
    Invoices: [{ Type: "ACCREC", Contact: { Name: `Customer ${run}` }, Date: "2026-05-01", DueDate: "2026-05-01", InvoiceNumber, Status: "AUTHORISED", LineItems: [{ Description: "Rice 5kg", Quantity: 1, UnitAmount, AccountCode: "200", TaxType: "NONE" }] }],
  });
  const numbers = (json: Json) => ((json.Invoices as Array<{ InvoiceNumber: string }> | undefined) ?? []).map((i) => i.InvoiceNumber);

  it("finds by number and by several numbers within the tenant, refuses a taken number there only, and counts invoices", async () => {
    const stats = () => sandbox<Record<string, number>>("/_stats/xero");
    const before = await stats();
    const first = await paidInvoice(`${run}-n1`, [32.25]);
    expect((await api("PUT", "/Invoices", draft(`${run}-n2`, 4))).status).toBe(200);
    // The same number in another tenant is that tenant's business.
    expect((await api("PUT", "/Invoices", draft(`${run}-n1`, 7), otherTenant)).status).toBe(200);
    const taken = await api("PUT", "/Invoices", draft(`${run}-n1`, 9));
    expect(taken.status).toBe(400);
    expect(JSON.stringify(taken.json)).toContain("Invoice # must be unique.");

    expect(numbers((await api("GET", `/Invoices?InvoiceNumbers=${run}-n2,${run}-n1`)).json)).toEqual([`${run}-n1`, `${run}-n2`]);
    expect(numbers((await api("GET", `/Invoices?InvoiceNumbers=${run}-n1`, undefined, otherTenant)).json)).toEqual([`${run}-n1`]);
    expect((await api("GET", `/Invoices/${run}-n1`, undefined, otherTenant)).json.Invoices).toMatchObject([{ Total: 7 }]);
    expect((await api("GET", `/Invoices/${run}-n1`)).json.Invoices).toMatchObject([{ InvoiceID: first.InvoiceID, Total: 32.25 }]);
    // No numbers asked for: the tenant's invoices, unfiltered.
    expect(numbers((await api("GET", `/Invoices?InvoiceNumbers=`)).json)).toEqual(expect.arrayContaining([`${run}-n1`, `${run}-n2`]));

    const after = await stats();
    expect((after[`sales_documents:${tenantId}`] ?? 0) - (before[`sales_documents:${tenantId}`] ?? 0)).toBe(2);
    expect((after[`sales_documents:${otherTenant}`] ?? 0) - (before[`sales_documents:${otherTenant}`] ?? 0)).toBe(1);

    // The listing names each payment by the document it pays, in that document's currency (a euro invoice's payment
    // is in euros, not the organisation's dollars).
    const euro = await api("PUT", "/Invoices", { Invoices: [{ ...draft(`${run}-n3`, 4).Invoices[0], CurrencyCode: "EUR", CurrencyRate: 1.1 }] });
    expect(euro.status, JSON.stringify(euro.json)).toBe(200);
    const euroId = (euro.json.Invoices as Invoice[])[0]!.InvoiceID;
    const euroPaid = await api("PUT", "/Payments", { Payments: [{ Invoice: { InvoiceID: euroId }, Account: { Code: "090" }, Date: "2026-05-01", Amount: 4, Reference: `${run}-n3-P` }] });
    expect(euroPaid.status, JSON.stringify(euroPaid.json)).toBe(200);
    const docs = (await sandbox<{ documents: Array<{ kind: string; id: string; externalRef: string; currency: string; total: string }> }>("/_inspect/xero")).documents;
    const payments = (invoiceId: string) => docs.filter((d) => d.kind === "Payment" && d.externalRef === docs.find((i) => i.kind === "Invoice" && i.id === invoiceId)?.externalRef);
    expect(payments(first.InvoiceID)).toEqual([expect.objectContaining({ id: first.Payments[0]!.PaymentID, currency: "USD", total: "32.25" })]);
    expect(payments(euroId)).toEqual([expect.objectContaining({ currency: "EUR", total: "4.00" })]);
  });
});
