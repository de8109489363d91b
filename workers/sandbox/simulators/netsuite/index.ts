// Oracle NetSuite simulator: SuiteTalk REST record API with TBA signatures, upsert by external id, concurrency governance.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { formatMinor } from "../../../../shared/model/money";
import { applyBody, computeTotals, finish, NsInvalid, RECORD_TYPES, TRANSACTIONS, validateCustomer, validateTransaction, type Rec, type RecordType } from "./records";
import { verifyTba } from "./tba";

const BASE = "/services/rest/record/v1";
const RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html";
const TYPES: Record<number, [string, string]> = {
  400: [`${RFC2616}#sec10.4.1`, "Bad Request"],
  401: [`${RFC2616}#sec10.4.2`, "Unauthorized"],
  404: [`${RFC2616}#sec10.4.5`, "Not Found"],
  405: [`${RFC2616}#sec10.4.6`, "Method Not Allowed"],
  500: [`${RFC2616}#sec10.5.1`, "Internal Server Error"],
};

/** NetSuite's error body (NS section_156570709583): RFC 7807-like with o:errorDetails. */
function nsError(status: number, code: string, detail: string, extra: Rec = {}, headers: Record<string, string> = {}): Response {
  const [type, title] = TYPES[status] ?? TYPES[400]!;
  return new Response(JSON.stringify({ type, title, status, "o:errorDetails": [{ detail, "o:errorCode": code, ...extra }] }), {
    status,
    headers: { "content-type": "application/vnd.oracle.resource+json; type=error; charset=UTF-8", ...headers },
  });
}

/** 401 exactly as NetSuite sends it for any TBA failure (github.com/jacobsvante/netsuite/issues/27 shows it verbatim). */
function invalidLogin(): Response {
  return nsError(401, "INVALID_LOGIN", "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.");
}

/**
 * Past the account's concurrency limit REST answers 429 with this body (secondary source: a NetSuite connector's
 * reference notes — title "Bad Request", CONCURRENCY_LIMIT_EXCEEDED; NetSuite itself sends no Retry-After, the
 * sandbox adds one so every simulator speaks the same throttle contract).
 */
function concurrencyExceeded(retryAfter: number): Response {
  return new Response(JSON.stringify({ title: "Bad Request", status: 429, "o:errorDetails": [{ detail: "Concurrent request limit exceeded. Request blocked.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED" }] }), {
    status: 429,
    headers: { "content-type": "application/vnd.oracle.resource+json; type=error; charset=UTF-8", "retry-after": String(retryAfter) },
  });
}

function isType(t: string): t is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(t);
}

/** Internal id for `123` or `eid:<external id>`; null when no such record. */
function resolveId(sim: SimContext, type: RecordType, id: string): string | null {
  if (id.startsWith("eid:")) return sim.store.get<{ id: string }>(`eid-${type}`, id.slice(4))?.id ?? null;
  return sim.store.get(type, id) ? id : null;
}

function selfHref(c: Context, type: string, id: string): string {
  return `${new URL(c.req.url).origin}/netsuite${BASE}/${type}/${id}`;
}

/** A record as REST returns it: links, body fields, sublists inline only with expandSubResources=true (NS section_1545141947). */
function present(c: Context, type: string, rec: Rec, expand: boolean): Rec {
  const self = selfHref(c, type, String(rec.id));
  const out: Rec = { links: [{ rel: "self", href: self }], ...rec };
  for (const sub of ["item", "taxDetails"]) {
    const value = rec[sub] as Rec | undefined;
    if (!value) continue;
    out[sub] = expand
      ? { links: [{ rel: "self", href: `${self}/${sub}` }], items: ((value.items as Rec[]) ?? []).map((l) => ({ links: [], ...l })) }
      : { links: [{ rel: "self", href: `${self}/${sub}` }] };
  }
  return out;
}

function validate(sim: SimContext, type: RecordType, body: Rec, strict: boolean, existing: Rec | null): Rec {
  return type === "customer" ? validateCustomer(sim, body, strict, existing) : validateTransaction(sim, type, body, strict, existing);
}

async function readBody(c: Context): Promise<Rec | Response> {
  try {
    const body = (await c.req.json()) as unknown;
    if (typeof body === "object" && body !== null && !Array.isArray(body)) return body as Rec;
  } catch {
    // fall through
  }
  return nsError(400, "INVALID_CONTENT", "The request body is not a valid JSON object.");
}

/** Saves a record (create or update) with its external-id index and NetSuite's computed fields. */
function save(sim: SimContext, type: RecordType, id: string | null, body: Rec, replace: readonly string[]): string {
  const existing = id ? sim.store.get<Rec>(type, id) : null;
  const internalId = id ?? String(sim.store.next("internal-id", 101));
  const merged = applyBody(existing, body, replace);
  const rec = finish(sim, type, internalId, merged, !existing);
  sim.store.put(type, internalId, rec);
  if (typeof rec.externalId === "string") sim.store.put(`eid-${type}`, rec.externalId, { id: internalId });
  return internalId;
}

function created(c: Context, type: string, id: string): Response {
  return new Response(null, { status: 204, headers: { location: selfHref(c, type, id) } });
}

function writeGuard(c: Context, type: string, fn: () => Response): Response {
  if (!isType(type)) return nsError(404, "NONEXISTENT_ID", `Record type '${type}' does not exist.`, { "o:errorUrl": c.req.path });
  try {
    return fn();
  } catch (err) {
    if (err instanceof NsInvalid) return nsError(400, err.code, err.message, err.path ? { "o:errorPath": err.path } : {});
    throw err;
  }
}

/** The account's walk-in customer (internal id 1) exists from the start, like a fresh account's first customer. */
function seed(sim: SimContext): void {
  if (sim.store.get("customer", "1")) return;
  sim.store.put("customer", "1", finish(sim, "customer", "1", { companyName: "Walk-in Customer", isPerson: false, subsidiary: { id: "1" } }, true));
}

export const netsuiteSimulator: Simulator = {
  slug: "netsuite",

  routes(app: Hono, sim: SimContext) {
    // Concurrency governance is account-wide (limits.md §4): past the limit → 429. Then every request must carry a
    // valid TBA signature over the URL the client addressed (the sandbox serves the API under /netsuite).
    app.use("/services/rest/*", async (c, next) => {
      const limit = Number(sim.config().concurrency ?? 5);
      if (!sim.acquireSlot("account", limit)) {
        await c.req.arrayBuffer().catch(() => undefined);
        sim.bump("throttled");
        return concurrencyExceeded(1);
      }
      try {
        const latency = Number(sim.config().latencyMs ?? 0);
        if (latency > 0) await new Promise((r) => setTimeout(r, latency));
        const url = new URL(c.req.url);
        const signed = new URL(`${url.origin}/netsuite${url.pathname}${url.search}`);
        seed(sim);
        const verdict = await verifyTba(sim, c.req.method, signed, c.req.header("authorization"));
        if (!verdict.ok) {
          await c.req.arrayBuffer().catch(() => undefined);
          sim.bump("auth_rejected");
          sim.store.setSetting("lastLoginFailure", verdict.reason);
          return invalidLogin();
        }
        await next();
      } finally {
        sim.releaseSlot("account");
      }
    });

    // The Login Audit Trail: why the last request was refused (tests read it; NetSuite shows it in the UI).
    app.get("/_sim/login-audit", (c) => c.json({ lastFailure: sim.store.getSetting("lastLoginFailure", null) }));

    app.get(`${BASE}/:type/:id`, (c) => {
      const type = c.req.param("type");
      if (!isType(type)) return nsError(404, "NONEXISTENT_ID", `Record type '${type}' does not exist.`);
      const id = resolveId(sim, type, c.req.param("id"));
      const rec = id ? sim.store.get<Rec>(type, id) : null;
      if (!rec) return nsError(404, "NONEXISTENT_ID", "The record instance does not exist. Provide a valid record instance ID.", { "o:errorUrl": c.req.path });
      return c.json(present(c, type, rec, c.req.query("expandSubResources") === "true"));
    });

    // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156414087576.html (collection paging)
    app.get(`${BASE}/:type`, (c) => {
      const type = c.req.param("type");
      if (!isType(type)) return nsError(404, "NONEXISTENT_ID", `Record type '${type}' does not exist.`);
      const limit = Math.min(1000, Number(c.req.query("limit") ?? 1000));
      const offset = Number(c.req.query("offset") ?? 0);
      const all = sim.store.list<Rec>(type);
      const page = all.slice(offset, offset + limit);
      return c.json({
        links: [{ rel: "self", href: `${selfHref(c, type, "")}`.replace(/\/$/, "") }],
        count: page.length,
        hasMore: offset + page.length < all.length,
        items: page.map((r) => ({ links: [{ rel: "self", href: selfHref(c, type, String(r.id)) }], id: String(r.id) })),
        offset,
        totalResults: all.length,
      });
    });

    // Create: 204 + Location, no body (NS section_1545141395).
    app.post(`${BASE}/:type`, async (c) => {
      const body = await readBody(c);
      if (body instanceof Response) return body;
      const type = c.req.param("type");
      const strict = c.req.header("x-netsuite-propertynamevalidation") === "error";
      return writeGuard(c, type, () => {
        const t = type as RecordType;
        if (typeof body.externalId === "string" && resolveId(sim, t, `eid:${body.externalId}`)) {
          throw new NsInvalid("USER_ERROR", `A record with external ID ${body.externalId} already exists.`, "externalId");
        }
        return created(c, t, save(sim, t, null, validate(sim, t, body, strict, null), []));
      });
    });

    // Upsert: PUT with an external id in the URL only (NS section_156335203191); creates or updates.
    app.put(`${BASE}/:type/:id`, async (c) => {
      const body = await readBody(c);
      if (body instanceof Response) return body;
      const type = c.req.param("type");
      const key = c.req.param("id");
      const strict = c.req.header("x-netsuite-propertynamevalidation") === "error";
      return writeGuard(c, type, () => {
        const t = type as RecordType;
        if (!key.startsWith("eid:")) return nsError(405, "INVALID_REQUEST", "The upsert operation requires an external ID in the request URL (eid:<value>).");
        const externalId = key.slice(4);
        if (body.externalId !== undefined && body.externalId !== externalId) throw new NsInvalid("USER_ERROR", "The external ID in the request body does not match the external ID in the URL.", "externalId");
        const id = resolveId(sim, t, key);
        const existing = id ? sim.store.get<Rec>(t, id) : null;
        const valid = validate(sim, t, { ...body, externalId }, strict, existing);
        return created(c, t, save(sim, t, id, valid, ["item", "taxDetails"]));
      });
    });

    // Update: PATCH merges body fields; sublist lines merge by `line` unless ?replace=<sublist> (NS chapter_1545142407).
    app.patch(`${BASE}/:type/:id`, async (c) => {
      const body = await readBody(c);
      if (body instanceof Response) return body;
      const type = c.req.param("type");
      const strict = c.req.header("x-netsuite-propertynamevalidation") === "error";
      return writeGuard(c, type, () => {
        const t = type as RecordType;
        const id = resolveId(sim, t, c.req.param("id"));
        const existing = id ? sim.store.get<Rec>(t, id) : null;
        if (!id || !existing) return nsError(404, "NONEXISTENT_ID", "The record instance does not exist. Provide a valid record instance ID.");
        if (t === "salesOrder" && ["C", "H"].includes(String((existing.orderStatus as Rec | undefined)?.id)) && body.item !== undefined) {
          throw new NsInvalid("USER_ERROR", "You cannot change the lines of a closed or cancelled sales order.", "item");
        }
        const replace = (c.req.query("replace") ?? "").split(",").filter(Boolean);
        save(sim, t, id, validate(sim, t, body, strict, existing), replace);
        return new Response(null, { status: 204 });
      });
    });

    // Transform: sales order → item fulfillment (NS section_157901123882); the order then awaits billing (F).
    app.post(`${BASE}/:type/:id/!transform/:target`, async (c) => {
      const body = await readBody(c);
      if (body instanceof Response) return body;
      const type = c.req.param("type");
      const target = c.req.param("target");
      return writeGuard(c, type, () => {
        const id = resolveId(sim, type as RecordType, c.req.param("id"));
        const so = id ? sim.store.get<Rec>(type, id) : null;
        if (type !== "salesOrder" || target !== "itemFulfillment" || !so || !["B", "D", "E"].includes(String((so.orderStatus as Rec | undefined)?.id))) {
          throw new NsInvalid("USER_ERROR", `You can not initialize ${target.toLowerCase()}: invalid reference ${c.req.param("id")}.`);
        }
        const lines = (((so.item as Rec | undefined)?.items as Rec[] | undefined) ?? []).filter((l) => l.isClosed !== true);
        const fulfillment = {
          createdFrom: { id },
          entity: so.entity,
          subsidiary: so.subsidiary,
          tranDate: sim.now().toISOString().slice(0, 10),
          shipStatus: body.shipStatus ?? { id: "C" },
          ...(typeof body.memo === "string" ? { memo: body.memo } : {}),
          item: { items: lines.map((l, i) => ({ line: i + 1, orderLine: l.line, item: l.item, quantity: l.quantity, itemReceive: true })) },
        };
        const fid = String(sim.store.next("internal-id", 101));
        sim.store.put("itemFulfillment", fid, finish(sim, "itemFulfillment", fid, fulfillment, true));
        sim.store.put("salesOrder", id!, finish(sim, "salesOrder", id!, { ...so, orderStatus: { id: "F" } }, false));
        return created(c, "itemFulfillment", fid);
      });
    });
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    for (const type of TRANSACTIONS) {
      if (type === "itemFulfillment") continue;
      for (const raw of sim.store.list<Rec>(type)) {
        const t = computeTotals(raw);
        out.push({ kind: type, id: String(raw.id), externalRef: String(raw.otherRefNum ?? ""), total: formatMinor(t.total, t.currency), currency: t.currency, raw });
      }
    }
    return out;
  },

  faultResponse(kind, _sim, retryAfter) {
    if (kind === "rate") return concurrencyExceeded(retryAfter);
    if (kind === "server") return nsError(500, "UNEXPECTED_ERROR", "An unexpected error occurred. Error ID: sandbox");
    return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
