// Finance & Operations simulator: Entra client credentials, /data OData entities, cross-company queries, ETags, service protection.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { addClient, checkBearer, tokenEndpoint } from "./entra";
import {
  FoError, HEADER_SET, LINE_SET, addProduct, companies, createHeader, createLine, decimal, deleteHeader, deleteLine, find, lines, list,
  placesOf, updateHeader, updateLine,
} from "./entities";
import { ODataSyntaxError, matches, parseFilter, parseKey } from "./odata";

type Rec = Record<string, unknown>;
const ENV_HOST = /^https:\/\/[a-z0-9][a-z0-9.-]*\.operations\.dynamics\.com\/?$/i;
const PRODUCTS = "ReleasedProductsV2";

/** F&O's OData error: code "", a generic message, and the infolog / OData exception in innererror. */
function foError(status: number, message: string, type: string, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: { code: "", message: "An error has occurred.", innererror: { message, type, stacktrace: "   at Microsoft.Dynamics.Platform.Integration.Services.OData..." } } },
    { status, headers: { "content-type": "application/json; odata.metadata=minimal", "odata-version": "4.0", ...headers } },
  );
}

// https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/service-protection-api-limits (429 + Retry-After)
function throttled(sim: SimContext, retryAfter: number, count = true): Response {
  if (count) sim.bump("throttled");
  return foError(429, "The request was throttled by the service protection API limits. Retry after the interval in the Retry-After header.", "Microsoft.Dynamics.Ax.Xpp.ServiceProtection.ThrottlingException", { "retry-after": String(retryAfter) });
}

async function jsonBody(c: Context): Promise<Rec> {
  try {
    const b = (await c.req.json()) as unknown;
    if (b && typeof b === "object" && !Array.isArray(b)) return b as Rec;
  } catch {
    // answered below
  }
  throw new FoError(400, "The request body is not a valid JSON object.", "Microsoft.OData.ODataException");
}

function checkEtag(c: Context, rec: Rec): void {
  const m = c.req.header("if-match");
  if (m && m !== "*" && m !== rec["@odata.etag"]) throw new FoError(412, "The record has been changed by another user since it was read. Refresh and try again.", "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataConcurrencyException");
}

/** Queries without cross-company=true see the user's default company only (a key names its company itself). */
function visible(c: Context, sim: SimContext, rows: Rec[]): Rec[] {
  if (c.req.query("cross-company") === "true") return rows;
  const home = String(sim.config().defaultCompany ?? "usmf");
  return rows.filter((r) => r.dataAreaId === home);
}

function collection(c: Context, sim: SimContext, set: string): Response {
  const rows = visible(c, sim, companies(sim).flatMap((area) => list(sim, area, set)));
  const filter = c.req.query("$filter");
  const out = filter ? rows.filter((r) => matches(parseFilter(filter), r)) : rows;
  const skip = Number(c.req.query("$skip") ?? 0);
  const top = Number(c.req.query("$top") ?? 10000);
  return Response.json({ "@odata.context": `${new URL(c.req.url).origin}/data/$metadata#${set}`, value: out.slice(skip, skip + top) });
}

function byKey(c: Context, sim: SimContext, set: string, keyText: string): Rec {
  const key = parseKey(keyText);
  const area = String(key.dataAreaId ?? "");
  const id = String(set === LINE_SET ? key.InventoryLotId : set === PRODUCTS ? key.ItemNumber : key.SalesOrderNumber);
  const rec = area ? find(sim, area, set, id) : null;
  if (!rec) throw new FoError(404, `No resource found for key (${keyText}).`, "Microsoft.OData.ODataException");
  return rec;
}

async function handle(c: Context, sim: SimContext): Promise<Response> {
  const path = decodeURIComponent(new URL(c.req.url).pathname).replace(/^\/data\//, "");
  const m = /^([A-Za-z0-9]+)(?:\((.*)\))?$/.exec(path);
  const set = m?.[1];
  if (!m || !set || ![HEADER_SET, LINE_SET, PRODUCTS].includes(set)) throw new FoError(404, `Resource not found for the segment '${path.split("(")[0]}'.`, "Microsoft.OData.ODataException");
  const method = c.req.method;
  if (m[2] === undefined) {
    if (method === "GET") return collection(c, sim, set);
    if (method === "POST" && set === HEADER_SET) return Response.json(createHeader(sim, await jsonBody(c)), { status: 201 });
    if (method === "POST" && set === LINE_SET) return Response.json(createLine(sim, await jsonBody(c)), { status: 201 });
    throw new FoError(405, `The HTTP method '${method}' is not allowed on '${set}'.`, "Microsoft.OData.ODataException");
  }
  const rec = byKey(c, sim, set, m[2]);
  if (method === "GET") return Response.json(rec);
  if (set === PRODUCTS) throw new FoError(405, `The HTTP method '${method}' is not allowed on '${set}'.`, "Microsoft.OData.ODataException");
  checkEtag(c, rec);
  if (method === "PATCH") {
    const body = await jsonBody(c);
    if (set === HEADER_SET) updateHeader(sim, rec, body);
    else updateLine(sim, rec, body);
    return new Response(null, { status: 204 });
  }
  if (method === "DELETE") {
    if (set === HEADER_SET) deleteHeader(sim, rec);
    else deleteLine(sim, rec);
    return new Response(null, { status: 204 });
  }
  throw new FoError(405, `The HTTP method '${method}' is not allowed.`, "Microsoft.OData.ODataException");
}

export const dynamics365Finance: Simulator = {
  slug: "dynamics-365-finance",

  routes(app: Hono, sim: SimContext) {
    app.post("/_sim/clients", async (c) => {
      const b = (await c.req.json()) as { clientId: string; clientSecret: string };
      addClient(sim, b.clientId, b.clientSecret);
      return c.json({ ok: true });
    });
    /** Releases a product to a legal entity (F&O master data OrderMesh does not create). */
    app.post("/_sim/products", async (c) => {
      const b = (await c.req.json()) as { dataAreaId: string; itemNumber: string; name?: string };
      addProduct(sim, b.dataAreaId, b.itemNumber, b.name ?? b.itemNumber);
      return c.json({ ok: true });
    });

    // Entra ID token endpoint, hosted under the simulator's base path for dev (login.microsoftonline.com in production).
    app.post("/:tenant/oauth2/v2.0/token", (c) =>
      tokenEndpoint(c, sim, { defaultClient: { id: "demo-fo-client", secret: "demo-fo-secret" }, audienceOf: (r) => (ENV_HOST.test(r) ? r.replace(/\/+$/, "") : null) }),
    );

    app.all("/data/*", async (c) => {
      const auth = checkBearer(c, sim, (aud) => ENV_HOST.test(aud));
      // F&O answers a missing, expired or foreign token with a bare 401.
      if (!auth.ok) return new Response(null, { status: 401, headers: { "www-authenticate": `Bearer error="invalid_token"` } });
      const key = `${auth.token.tenant}:${auth.token.clientId}`;
      const wait = sim.rateLimit(`fo:${key}`, Number(sim.config().requestsPer5Minutes ?? 6000), 300);
      if (wait > 0) return throttled(sim, wait);
      if (!sim.acquireSlot(`fo:${key}`, Number(sim.config().concurrency ?? 52))) return throttled(sim, 1);
      try {
        return await handle(c, sim);
      } catch (err) {
        if (err instanceof FoError) return foError(err.status, err.message, err.type);
        if (err instanceof ODataSyntaxError) return foError(400, err.message, "Microsoft.OData.ODataException");
        throw err;
      } finally {
        sim.releaseSlot(`fo:${key}`);
      }
    });
  },

  /** Orders and credit notes (a sales order with a return reason and negative lines; its total is shown as the credit amount). */
  inspect(sim: SimContext): InspectDocument[] {
    return companies(sim).flatMap((area) =>
      list(sim, area, HEADER_SET).map((h) => {
        const currency = String(h.CurrencyCode);
        const p = placesOf(currency);
        const credit = !!h.CreditNoteReasonCode;
        const total = BigInt(Math.round(Number(h.OrderTotalAmount) * 10 ** p));
        return {
          kind: credit ? "CreditNote" : "SalesOrder",
          id: String(h.SalesOrderNumber),
          externalRef: String(h.CustomersOrderReference ?? ""),
          total: decimal(credit ? -total : total, p),
          currency,
          raw: { ...h, SalesOrderLines: lines(sim, h) },
        };
      }),
    );
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return throttled(sim, retryAfter, false);
    if (kind === "server") return foError(500, "An unexpected error occurred on the server.", "System.Exception");
    return new Response("<html><body>504 Gateway Timeout</body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
