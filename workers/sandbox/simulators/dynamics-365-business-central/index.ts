// Business Central simulator: Entra client credentials, API v2.0 company resources, deep insert, ETags, shipAndInvoice, limits.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { addClient, checkBearer, tokenEndpoint } from "../dynamics-365-finance/entra";
import { ODataSyntaxError, matches, parseFilter } from "../dynamics-365-finance/odata";
import {
  BcError, LINE_SET, addLine, all, cancelInvoice, companies, createCustomer, createDocument, createItem, decimalText, deleteDocument, deleteLine,
  ensureCompany, get, places, scaled, shipAndInvoice, updateDocument, updateLine, view, type DocKind,
} from "./company";

type Rec = Record<string, unknown>;
const AUDIENCE = "https://api.businesscentral.dynamics.com";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function odataError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  // {"error":{"code","message"}} with BC's codes (learn.microsoft.com …/api-reference/v2.0/dynamic-error-codes).
  return Response.json({ error: { code, message: `${message}  CorrelationId:  ${crypto.randomUUID()}.` } }, { status, headers: { "content-type": "application/json; odata.metadata=minimal", ...headers } });
}

function throttled(sim: SimContext, retryAfter: number, count = true): Response {
  if (count) sim.bump("throttled");
  return odataError(429, "Application_TooManyRequests", "The request was blocked because the limit of 6000 requests per 5 minutes was exceeded. Please retry after some time.", { "retry-after": String(retryAfter) });
}

interface Route {
  company: string;
  /** [entitySet, key?] pairs after companies(…). */
  segments: Array<{ name: string; key?: string }>;
  action?: string;
}

function parsePath(rest: string): Route | null {
  const parts = rest.split("/").filter(Boolean);
  const first = /^companies\(([^)]+)\)$/.exec(parts[0] ?? "");
  if (!first) return null;
  const segments: Route["segments"] = [];
  let action: string | undefined;
  for (const p of parts.slice(1)) {
    if (p.startsWith("Microsoft.NAV.")) {
      action = p.slice("Microsoft.NAV.".length);
      continue;
    }
    const m = /^([A-Za-z]+)(?:\(([^)]*)\))?$/.exec(p);
    if (!m) return null;
    segments.push({ name: m[1]!, key: m[2] });
  }
  return { company: first[1]!.toLowerCase(), segments, action };
}

const DOC_SETS: DocKind[] = ["salesOrders", "salesInvoices", "salesCreditMemos", "salesShipments"];
const MASTER_SETS = ["customers", "items"];

function ifMatch(c: Context, rec: Rec, required: boolean): Response | null {
  const header = c.req.header("if-match");
  if (!header) {
    // PATCH without a concurrency token (github.com/MicrosoftDocs/dynamics365smb-devitpro-pb/issues/813).
    return required ? odataError(400, "BadRequest_InvalidToken", "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.") : null;
  }
  if (header === "*" || header === rec["@odata.etag"]) return null;
  return odataError(409, "Request_EntityChanged", "Another user has already changed the record.");
}

async function body(c: Context): Promise<Rec | Response> {
  try {
    const b = (await c.req.json()) as unknown;
    if (!b || typeof b !== "object" || Array.isArray(b)) return odataError(400, "BadRequest", "The request body must be a JSON object.");
    return b as Rec;
  } catch {
    return odataError(400, "BadRequest", "Invalid JSON. A token was not recognized in the JSON content.");
  }
}

function collection(c: Context, rows: Rec[]): Response {
  const filter = c.req.query("$filter");
  let out = rows;
  if (filter) {
    const node = parseFilter(filter);
    out = rows.filter((r) => matches(node, r, true));
  }
  const top = Number(c.req.query("$top") ?? 20000);
  const skip = Number(c.req.query("$skip") ?? 0);
  return Response.json({ "@odata.context": "$metadata#collection", value: out.slice(skip, skip + top) });
}

async function handle(c: Context, sim: SimContext): Promise<Response> {
  const rest = decodeURIComponent(new URL(c.req.url).pathname).replace(/^\/v2\.0\/[^/]+\/[^/]+\/api\/v2\.0\//, "");
  const route = parsePath(rest);
  if (!route || !GUID.test(route.company)) return odataError(404, "BadRequest_NotFound", `Bad Request - Error in query syntax. Resource not found for the segment '${rest.split("/")[0]}'.`);
  ensureCompany(sim, route.company);
  const company = route.company;
  const method = c.req.method;
  const expand = (c.req.query("$expand") ?? "").split(",").map((s) => s.trim());
  const [top, child] = route.segments;
  if (!top) return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests for 'companies' are not allowed.`);

  if (MASTER_SETS.includes(top.name)) {
    if (top.key === undefined && method === "GET") return collection(c, all(sim, company, top.name));
    if (top.key === undefined && method === "POST") {
      const b = await body(c);
      if (b instanceof Response) return b;
      return Response.json(top.name === "customers" ? createCustomer(sim, company, b) : createItem(sim, company, b), { status: 201 });
    }
    const rec = top.key ? get(sim, company, top.name, top.key) : null;
    if (!rec) return odataError(404, "BadRequest_NotFound", `The ${top.name} does not exist.`);
    return Response.json(rec);
  }

  const kind = DOC_SETS.find((k) => k === top.name);
  if (!kind) return odataError(404, "BadRequest_NotFound", `Resource not found for the segment '${top.name}'.`);
  const lineSet = LINE_SET[kind];
  if (top.key === undefined) {
    if (method === "GET") return collection(c, all(sim, company, kind).map((d) => view(sim, company, kind, d, expand.includes(lineSet ?? "-"))));
    if (method === "POST" && (kind === "salesOrders" || kind === "salesCreditMemos")) {
      const b = await body(c);
      if (b instanceof Response) return b;
      const doc = createDocument(sim, company, kind, b);
      return Response.json(view(sim, company, kind, doc, expand.includes(lineSet!)), { status: 201 });
    }
    return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests for '${kind}' of EdmType 'Collection' are not allowed within Dynamics 365 Business Central OData web services.`);
  }
  const doc = get(sim, company, kind, top.key);
  if (!doc) return odataError(404, "Internal_RecordNotFound", `The ${kind.replace(/s$/, "")} does not exist. Identification fields and values: Id='${top.key}'`);
  // Posted documents (invoices, a posted credit memo such as a corrective one) take no edits.
  const editable = kind === "salesOrders" || (kind === "salesCreditMemos" && doc.status === "Draft");

  if (route.action) {
    const stale = ifMatch(c, doc, false);
    if (stale) return stale;
    if (kind === "salesOrders" && route.action === "shipAndInvoice") {
      shipAndInvoice(sim, company, doc);
      return new Response(null, { status: 204 });
    }
    // https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/resources/dynamics_salesinvoice#bound-actions
    if (kind === "salesInvoices" && route.action === "cancel") {
      cancelInvoice(sim, company, doc);
      return new Response(null, { status: 204 });
    }
    return odataError(400, "BadRequest_MethodNotImplemented", `The action '${route.action}' is not bound to '${kind}'.`);
  }

  if (!child) {
    if (method === "GET") return Response.json(view(sim, company, kind, doc, expand.includes(lineSet ?? "-")));
    if (!editable) return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests for posted documents are not allowed.`);
    if (method === "PATCH") {
      const stale = ifMatch(c, doc, true);
      if (stale) return stale;
      const b = await body(c);
      if (b instanceof Response) return b;
      return Response.json(updateDocument(sim, company, kind, doc, b));
    }
    if (method === "DELETE") {
      const stale = ifMatch(c, doc, false);
      if (stale) return stale;
      deleteDocument(sim, company, kind, doc);
      return new Response(null, { status: 204 });
    }
    return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests are not allowed here.`);
  }

  if (child.name !== lineSet) return odataError(404, "BadRequest_NotFound", `Resource not found for the segment '${child.name}'.`);
  const lines = all(sim, company, lineSet).filter((l) => l.documentId === doc.id);
  if (child.key === undefined) {
    if (method === "GET") return collection(c, lines.sort((a, b) => Number(a.sequence) - Number(b.sequence)));
    if (method === "POST" && editable) {
      const b = await body(c);
      if (b instanceof Response) return b;
      return Response.json(addLine(sim, company, kind, doc, b), { status: 201 });
    }
    return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests for '${child.name}' are not allowed.`);
  }
  const line = lines.find((l) => String(l.id).toLowerCase() === child.key!.toLowerCase());
  if (!line) return odataError(404, "Internal_RecordNotFound", `The Sales Line does not exist. Identification fields and values: Id='${child.key}'`);
  if (method === "GET") return Response.json(line);
  if (!editable) return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests for posted lines are not allowed.`);
  if (method === "PATCH") {
    const stale = ifMatch(c, line, true);
    if (stale) return stale;
    const b = await body(c);
    if (b instanceof Response) return b;
    return Response.json(updateLine(sim, company, kind, doc, line, b));
  }
  if (method === "DELETE") {
    const stale = ifMatch(c, line, false);
    if (stale) return stale;
    deleteLine(sim, company, kind, doc, line);
    return new Response(null, { status: 204 });
  }
  return odataError(405, "BadRequest_MethodNotAllowed", `'${method}' requests are not allowed here.`);
}

export const dynamics365BusinessCentral: Simulator = {
  slug: "dynamics-365-business-central",

  routes(app: Hono, sim: SimContext) {
    app.post("/_sim/clients", async (c) => {
      const b = (await c.req.json()) as { clientId: string; clientSecret: string };
      addClient(sim, b.clientId, b.clientSecret);
      return c.json({ ok: true });
    });

    // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow (hosted here for dev)
    app.post("/:tenant/oauth2/v2.0/token", (c) =>
      tokenEndpoint(c, sim, { defaultClient: { id: "demo-bc-client", secret: "demo-bc-secret" }, audienceOf: (r) => (r.replace(/\/+$/, "") === AUDIENCE ? AUDIENCE : null) }),
    );

    app.all("/v2.0/:tenant/:env/api/v2.0/*", async (c) => {
      // Read the body before any early answer (401, 429, 405 for a posted document): workerd cannot read a request
      // after responding.
      if (c.req.method !== "GET") await c.req.arrayBuffer();
      const auth = checkBearer(c, sim, (aud) => aud === AUDIENCE);
      if (!auth.ok) {
        return odataError(401, "Authentication_InvalidCredentials", "The server has rejected the client credentials.", {
          "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${c.req.param("tenant")}/oauth2/authorize", resource_id="${AUDIENCE}"`,
        });
      }
      // 6,000 requests per 5-minute sliding window and 100 simultaneous requests per user / app (learn.microsoft.com/training/modules/work-with-api/4-limits).
      const key = `${auth.token.tenant}:${auth.token.clientId}`;
      const wait = sim.rateLimit(`bc:${key}`, Number(sim.config().requestsPer5Minutes ?? 6000), 300);
      if (wait > 0) return throttled(sim, wait);
      if (!sim.acquireSlot(`bc:${key}`, Number(sim.config().concurrency ?? 100))) return throttled(sim, 1);
      try {
        return await handle(c, sim);
      } catch (err) {
        if (err instanceof BcError) return odataError(err.status, err.code, err.message);
        if (err instanceof ODataSyntaxError) return odataError(400, "BadRequest", err.message);
        throw err;
      } finally {
        sim.releaseSlot(`bc:${key}`);
      }
    });
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    const kinds: Array<[DocKind, string]> = [["salesOrders", "salesOrder"], ["salesInvoices", "salesInvoice"], ["salesCreditMemos", "salesCreditMemo"], ["salesShipments", "salesShipment"]];
    for (const company of companies(sim)) {
      for (const [set, kind] of kinds) {
        for (const doc of all(sim, company, set)) {
          const currency = String(doc.currencyCode);
          const total = set === "salesShipments" ? "0" : String(doc.totalAmountIncludingTax ?? 0);
          out.push({
            kind,
            id: String(doc.id),
            externalRef: String(doc.externalDocumentNumber ?? ""),
            total: decimalText(scaled(Number(total), places(currency)), places(currency)),
            currency,
            raw: { ...view(sim, company, set, doc, true), companyId: company },
          });
        }
      }
    }
    return out;
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return throttled(sim, retryAfter, false);
    if (kind === "server") return odataError(500, "Internal_ServerError", "An unexpected error occurred while processing the request.");
    return odataError(504, "Internal_RequestTimeout", "The operation has timed out.");
  },
};
