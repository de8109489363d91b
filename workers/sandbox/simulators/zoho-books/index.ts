// Zoho Books simulator: Zoho Accounts refresh, Zoho-oauthtoken + organization_id, invoices, sales orders, credit notes, payments.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { compute, DEMO_ORG, invalid, org, places, text, units, num, ZohoError, type Org, type Rec } from "./books";

function ok(body: Rec, status = 200): Response {
  return new Response(JSON.stringify({ code: 0, ...body }), { status, headers: { "content-type": "application/json;charset=UTF-8" } });
}

/** `{code, message}` as ../shared/specs/zoho-books/error_1002.response.example.json shows it. */
function fail(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code, message }), { status, headers: { "content-type": "application/json;charset=UTF-8", ...headers } });
}

/** 429 "API usage limit exceeded" (errors page); code 45 [UNVERIFIED: third-party error-code list]. */
function throttled(sim: SimContext, retryAfter: number, count = true): Response {
  if (count) sim.bump("throttled");
  return fail(429, 45, "You have made too many requests continuously. Please try again after some time.", { "retry-after": String(retryAfter) });
}

// ------------------------------------------------------------------ OAuth (Zoho Accounts)

interface Client {
  secret: string;
  refreshToken: string;
  orgs: string[];
}

function client(sim: SimContext, id: string): Client | null {
  const stored = sim.store.get<Client>("clients", id);
  if (stored) return stored;
  const cfg = sim.config();
  if (id !== String(cfg.clientId ?? "1000.DEMOZOHOBOOKSCLIENT")) return null;
  const seeded: Client = { secret: String(cfg.clientSecret ?? "demo-zoho-secret"), refreshToken: String(cfg.refreshToken ?? "1000.demo-zoho-refresh"), orgs: [String(cfg.organizationId ?? DEMO_ORG)] };
  sim.store.put("clients", id, seeded);
  return seeded;
}

/**
 * POST /oauth/v2/token?refresh_token=…&client_id=…&client_secret=…&grant_type=refresh_token (https://www.zoho.com/books/api/v3/oauth/).
 * The refresh token does not rotate; a bad one is answered HTTP 200 {"error":"invalid_code"}.
 */
function token(c: Context, sim: SimContext): Response {
  const q = (k: string) => c.req.query(k) ?? "";
  const cl = client(sim, q("client_id"));
  if (!cl || cl.secret !== q("client_secret")) return Response.json({ error: "invalid_client" });
  if (q("grant_type") !== "refresh_token") return Response.json({ error: "unsupported_grant_type" });
  // Zoho refresh tokens do not rotate: the client's own token, or one a grant issued (tests start theirs with "test-seed-").
  const presented = q("refresh_token");
  const granted = presented === cl.refreshToken || sim.store.get<string>("refresh-tokens", presented) === q("client_id");
  if (!granted && !presented.startsWith("test-seed-")) return Response.json({ error: "invalid_code" });
  if (!granted) sim.store.put("refresh-tokens", presented, q("client_id"));
  const ttl = Number(sim.config().accessTokenTtlSeconds ?? 3600);
  const rand = () => Math.floor(sim.random() * 2 ** 32).toString(16);
  const accessToken = `1000.${rand()}${rand()}.${rand()}${rand()}`;
  const now = sim.now().getTime();
  sim.store.put("tokens", accessToken, { clientId: q("client_id"), issuedAt: now, expiresAt: now + ttl * 1000 });
  return Response.json({ access_token: accessToken, api_domain: "https://www.zohoapis.com", token_type: "Bearer", expires_in: ttl });
}

function authenticate(c: Context, sim: SimContext): { orgId: string } | Response {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("tokensValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  // "Authorization: Zoho-oauthtoken 1000.41d9…" (https://www.zoho.com/books/api/v3/oauth/); code 57 for a bad token [UNVERIFIED].
  const m = /^Zoho-oauthtoken\s+(\S+)$/.exec(c.req.header("authorization") ?? "");
  const t = m ? sim.store.get<{ clientId: string; issuedAt: number; expiresAt: number }>("tokens", m[1]!) : null;
  if (!t || t.expiresAt <= sim.now().getTime() || t.issuedAt <= sim.store.getSetting<number>("tokensValidAfter", 0)) {
    return fail(401, 57, "You are not authorized to perform this operation");
  }
  const orgId = c.req.query("organization_id") ?? "";
  if (!orgId) return fail(400, 4, "Invalid value passed for organization_id");
  if (!sim.store.get<Client>("clients", t.clientId)?.orgs.includes(orgId)) return fail(403, 57, "You are not authorized to perform this operation");
  return { orgId };
}

// ------------------------------------------------------------------ documents

type Kind = "invoices" | "salesorders" | "creditnotes";
const ONE: Record<Kind, string> = { invoices: "invoice", salesorders: "salesorder", creditnotes: "creditnote" };
const LABEL: Record<Kind, string> = { invoices: "Invoice", salesorders: "Sales Order", creditnotes: "Credit Note" };

const key = (orgId: string, id: string) => `${orgId}|${id}`;
const newId = (sim: SimContext) => `4600000${String(sim.store.next("zoho-ids", 100000)).padStart(8, "0")}`;

function all(sim: SimContext, kind: Kind, orgId: string): Rec[] {
  return sim.store.list<Rec>(kind).filter((d) => d.organization_id === orgId);
}

function load(sim: SimContext, kind: Kind, orgId: string, id: string): Rec {
  const d = sim.store.get<Rec>(kind, key(orgId, id));
  if (!d) throw new ZohoError(404, 1002, `${LABEL[kind]} does not exist.`);
  return d;
}

function save(sim: SimContext, kind: Kind, d: Rec): void {
  d.last_modified_time = sim.now().toISOString().replace(/\.\d{3}Z$/, "+0000");
  sim.store.put(kind, key(String(d.organization_id), String(d[`${ONE[kind]}_id`])), d);
}

function settle(d: Rec, kind: Kind, p: number): void {
  const total = units(d.total, p);
  if (kind === "invoices") {
    const paid = ((d.payments as Rec[]) ?? []).reduce((a, x) => a + units(x.amount, p), 0n);
    const credits = ((d.credits as Rec[]) ?? []).reduce((a, x) => a + units(x.amount_applied, p), 0n);
    const balance = total - paid - credits;
    d.payment_made = num(paid, p);
    d.credits_applied = num(credits, p);
    d.balance = num(balance, p);
    if (d.status !== "draft" && d.status !== "void") d.status = balance === 0n ? "paid" : paid + credits > 0n ? "partially_paid" : "sent";
  } else if (kind === "creditnotes") {
    const used = ((d.invoices_credited as Rec[]) ?? []).reduce((a, x) => a + units(x.amount_applied, p), 0n) + ((d.refunds as Rec[]) ?? []).reduce((a, x) => a + units(x.amount, p), 0n);
    d.balance = num(total - used, p);
    if (d.status !== "void") d.status = total - used === 0n ? "closed" : "open";
  }
}

function contact(sim: SimContext, orgId: string, id: unknown): Rec {
  const c = typeof id === "string" ? sim.store.get<Rec>("contacts", key(orgId, id)) : null;
  if (!c) throw invalid("customer_id");
  return c;
}

function write(sim: SimContext, o: Org, kind: Kind, body: Rec, existing: Rec | null, autoNumber: boolean): Rec {
  const one = ONE[kind];
  const numberField = `${one}_number`;
  const cust = contact(sim, o.organization_id, body.customer_id ?? existing?.customer_id);
  let currency = String(existing?.currency_code ?? o.currency_code);
  if (body.currency_id !== undefined) {
    const cur = o.currencies.find((c) => c.currency_id === String(body.currency_id));
    if (!cur) throw invalid("currency_id");
    currency = cur.currency_code;
  }
  if (body.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.date))) throw invalid("date");
  if (body.reference_number !== undefined && String(body.reference_number).length > 100) throw new ZohoError(400, 4, "Reference number can have a maximum of 100 characters.");
  const amounts = compute({ ...existing, ...body, line_items: body.line_items ?? existing?.line_items }, o, currency);
  let number = existing?.[numberField] as string | undefined;
  if (!existing) {
    if (autoNumber) {
      number = `${kind === "invoices" ? "INV" : kind === "salesorders" ? "SO" : "CN"}-${String(sim.store.next(`${kind}:${o.organization_id}`)).padStart(6, "0")}`;
    } else {
      number = typeof body[numberField] === "string" ? (body[numberField] as string) : "";
      if (!number) throw invalid(numberField);
      if (number.length > 100) throw new ZohoError(400, 4, `${LABEL[kind]} number can have a maximum of 100 characters.`);
    }
    if (all(sim, kind, o.organization_id).some((d) => d[numberField] === number)) {
      throw new ZohoError(400, 1001, `${LABEL[kind]} "${number}" already exists.`);
    }
  }
  const p = places(o, currency);
  const d: Rec = {
    ...(existing ?? {}),
    organization_id: o.organization_id,
    [`${one}_id`]: existing?.[`${one}_id`] ?? newId(sim),
    [numberField]: number,
    status: existing?.status ?? (kind === "creditnotes" ? "open" : "draft"),
    date: body.date ?? existing?.date ?? sim.now().toISOString().slice(0, 10),
    reference_number: body.reference_number ?? existing?.reference_number ?? "",
    customer_id: cust.contact_id,
    customer_name: cust.contact_name,
    currency_code: currency,
    currency_id: o.currencies.find((c) => c.currency_code === currency)?.currency_id ?? "",
    exchange_rate: Number(body.exchange_rate ?? existing?.exchange_rate ?? 1),
    discount_type: body.discount_type ?? existing?.discount_type ?? "item_level",
    is_discount_before_tax: body.is_discount_before_tax ?? existing?.is_discount_before_tax ?? true,
    notes: body.notes ?? existing?.notes ?? "",
    ...amounts,
    ...(kind === "invoices" ? { payments: existing?.payments ?? [], credits: existing?.credits ?? [] } : {}),
    ...(kind === "creditnotes" ? { invoices_credited: existing?.invoices_credited ?? [], refunds: existing?.refunds ?? [] } : {}),
    created_time: existing?.created_time ?? sim.now().toISOString().replace(/\.\d{3}Z$/, "+0000"),
  };
  if (kind === "invoices" && existing) {
    const settled = units(existing.payment_made ?? 0, p) + units(existing.credits_applied ?? 0, p);
    if (units(d.total, p) < settled) throw new ZohoError(400, 4, "The invoice total cannot be less than the payments and credits applied to it.");
  }
  settle(d, kind, p);
  return d;
}

// ------------------------------------------------------------------ routes

async function body(c: Context): Promise<Rec> {
  const raw = await c.req.text();
  try {
    const b = JSON.parse(raw) as unknown;
    if (b && typeof b === "object" && !Array.isArray(b)) return b as Rec;
  } catch {
    // Zoho's older form encoding: JSONString=<json>
    const form = new URLSearchParams(raw).get("JSONString");
    if (form) {
      try {
        return JSON.parse(form) as Rec;
      } catch {
        // fall through
      }
    }
  }
  throw new ZohoError(400, 4, "Invalid value passed for JSONString");
}

function inspectTotal(d: Rec, o: Org): string {
  const p = places(o, String(d.currency_code));
  return text(units(d.total, p), p);
}

export const zohoBooksSimulator: Simulator = {
  slug: "zoho-books",

  routes(app: Hono, sim: SimContext) {
    app.post("/_sim/clients", async (c) => {
      const b = (await c.req.json()) as { clientId: string; clientSecret: string; refreshToken: string; orgs?: string[] };
      sim.store.put("clients", b.clientId, { secret: b.clientSecret, refreshToken: b.refreshToken, orgs: b.orgs ?? [DEMO_ORG] } satisfies Client);
      return c.json({ ok: true });
    });
    app.post("/_sim/orgs/:org", async (c) => {
      const next = { ...org(sim, c.req.param("org")), ...((await c.req.json()) as Partial<Org>) };
      sim.store.put("orgs", c.req.param("org"), next);
      return c.json(next);
    });

    app.post("/oauth/v2/token", (c) => token(c, sim));

    const api = async (c: Context, run: (o: Org) => Promise<Response> | Response): Promise<Response> => {
      if (c.req.method !== "GET") await c.req.arrayBuffer();
      const who = authenticate(c, sim);
      if (who instanceof Response) return who;
      const o = org(sim, who.orgId);
      const slot = `org:${o.organization_id}`;
      // 100 requests/min per organization (limits.md §4); concurrency ≈10 on paid plans [UNVERIFIED].
      if (!sim.acquireSlot(slot, o.limits?.concurrency ?? 10)) return throttled(sim, 1);
      try {
        const wait = sim.rateLimit(slot, o.limits?.perMinute ?? 100, 60);
        if (wait > 0) return throttled(sim, wait);
        return await run(o);
      } catch (err) {
        if (err instanceof ZohoError) return fail(err.status, err.code, err.message);
        throw err;
      } finally {
        sim.releaseSlot(slot);
      }
    };

    for (const kind of ["invoices", "salesorders", "creditnotes"] as const) {
      const one = ONE[kind];
      app.get(`/${kind}`, (c) => api(c, (o) => {
        let rows = all(sim, kind, o.organization_id);
        for (const f of [`${one}_number`, "reference_number", "customer_id", "status"]) {
          const v = c.req.query(f);
          if (v !== undefined) rows = rows.filter((d) => d[f] === v);
        }
        const since = c.req.query("last_modified_time");
        if (since) rows = rows.filter((d) => String(d.last_modified_time) >= since);
        const page = Number(c.req.query("page") ?? 1);
        const per = Math.min(200, Number(c.req.query("per_page") ?? 200));
        const slice = rows.slice((page - 1) * per, page * per);
        return ok({ message: "success", [kind]: slice, page_context: { page, per_page: per, has_more_page: rows.length > page * per } });
      }));
      app.get(`/${kind}/:id`, (c) => api(c, (o) => ok({ message: "success", [one]: load(sim, kind, o.organization_id, c.req.param("id")) })));
      app.post(`/${kind}`, (c) => api(c, async (o) => {
        const d = write(sim, o, kind, await body(c), null, c.req.query("ignore_auto_number_generation") !== "true");
        save(sim, kind, d);
        return ok({ message: `The ${LABEL[kind].toLowerCase()} has been created.`, [one]: d }, 201);
      }));
      app.put(`/${kind}/:id`, (c) => api(c, async (o) => {
        const existing = load(sim, kind, o.organization_id, c.req.param("id"));
        if (existing.status === "void") throw new ZohoError(400, 4, `A voided ${LABEL[kind].toLowerCase()} cannot be edited.`);
        const d = write(sim, o, kind, await body(c), existing, true);
        save(sim, kind, d);
        return ok({ message: `${LABEL[kind]} information has been updated.`, [one]: d });
      }));
    }

    // Status changes: invoices sent / void, sales orders open / void.
    app.post("/:kind/:id/status/:action", (c) => api(c, (o) => {
      const kind = c.req.param("kind") as Kind;
      const action = c.req.param("action");
      if (!["invoices", "salesorders"].includes(kind)) throw new ZohoError(404, 5, "Invalid URL Passed");
      const d = load(sim, kind, o.organization_id, c.req.param("id"));
      const p = places(o, String(d.currency_code));
      const allowed = kind === "invoices" ? ["sent", "void"] : ["open", "void"];
      if (!allowed.includes(action)) throw new ZohoError(404, 5, "Invalid URL Passed");
      if (d.status === "void") throw new ZohoError(400, 4, `The ${LABEL[kind].toLowerCase()} is void.`);
      if (action === "void") {
        // Voiding an invoice unassociates its payments and credits (they stay with the customer).
        d.status = "void";
        if (kind === "invoices") {
          d.payments = [];
          d.credits = [];
          d.balance = 0;
        }
      } else if (d.status === "draft") {
        d.status = kind === "invoices" ? "sent" : "open";
        if (kind === "invoices") settle(d, kind, p);
      }
      save(sim, kind, d);
      return ok({ message: `${LABEL[kind]} status has been changed to ${action === "sent" ? "Sent" : action === "open" ? "Open" : "Void"}.` });
    }));

    app.post("/customerpayments", (c) => api(c, async (o) => {
      const b = await body(c);
      const cust = contact(sim, o.organization_id, b.customer_id);
      if (typeof b.payment_mode !== "string" || !b.payment_mode) throw invalid("payment_mode");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(b.date ?? ""))) throw invalid("date");
      const applied = (b.invoices as Rec[] | undefined) ?? [];
      let amountUnits: bigint | null = null;
      const payment: Rec = { payment_id: newId(sim), customer_id: cust.contact_id, payment_mode: b.payment_mode, date: b.date, reference_number: b.reference_number ?? "", invoices: [] };
      for (const a of applied) {
        const inv = load(sim, "invoices", o.organization_id, String(a.invoice_id));
        const p = places(o, String(inv.currency_code));
        amountUnits ??= units(b.amount, p);
        const amt = units(a.amount_applied, p);
        if (inv.status === "draft" || inv.status === "void") throw new ZohoError(400, 4, "Payments cannot be recorded for draft or void invoices.");
        if (inv.customer_id !== cust.contact_id) throw invalid("invoices.invoice_id");
        if (amt <= 0n || amt > units(inv.balance, p)) throw new ZohoError(400, 4, "Amount applied exceeds the invoice balance.");
        inv.payments = [...((inv.payments as Rec[]) ?? []), { payment_id: payment.payment_id, amount: num(amt, p), date: b.date, payment_mode: b.payment_mode, reference_number: b.reference_number ?? "", ...(b.account_id !== undefined ? { account_id: b.account_id } : {}) }];
        settle(inv, "invoices", p);
        save(sim, "invoices", inv);
        (payment.invoices as Rec[]).push({ invoice_id: inv.invoice_id, invoice_number: inv.invoice_number, amount_applied: num(amt, p) });
        payment.amount = num(amountUnits, p);
      }
      sim.store.put("payments", key(o.organization_id, String(payment.payment_id)), { ...payment, organization_id: o.organization_id });
      return ok({ message: "The payment has been created.", payment }, 201);
    }));

    app.post("/creditnotes/:id/invoices", (c) => api(c, async (o) => {
      const cn = load(sim, "creditnotes", o.organization_id, c.req.param("id"));
      const p = places(o, String(cn.currency_code));
      const out: Rec[] = [];
      for (const a of ((await body(c)).invoices as Rec[] | undefined) ?? []) {
        const inv = load(sim, "invoices", o.organization_id, String(a.invoice_id));
        const amt = units(a.amount_applied, p);
        if (cn.status !== "open" || inv.status === "draft" || inv.status === "void") throw new ZohoError(400, 4, "Credits cannot be applied to this invoice.");
        if (amt <= 0n || amt > units(cn.balance, p) || amt > units(inv.balance, p)) throw new ZohoError(400, 4, "Amount applied exceeds the credit note balance or the invoice balance.");
        inv.credits = [...((inv.credits as Rec[]) ?? []), { creditnote_id: cn.creditnote_id, amount_applied: num(amt, p) }];
        cn.invoices_credited = [...((cn.invoices_credited as Rec[]) ?? []), { invoice_id: inv.invoice_id, invoice_number: inv.invoice_number, amount_applied: num(amt, p) }];
        settle(inv, "invoices", p);
        settle(cn, "creditnotes", p);
        save(sim, "invoices", inv);
        out.push({ invoice_id: inv.invoice_id, amount_applied: num(amt, p) });
      }
      save(sim, "creditnotes", cn);
      return ok({ message: "Credits have been applied to the invoice(s).", apply_to_invoices: { invoices: out } }, 201);
    }));

    app.post("/creditnotes/:id/refunds", (c) => api(c, async (o) => {
      const cn = load(sim, "creditnotes", o.organization_id, c.req.param("id"));
      const p = places(o, String(cn.currency_code));
      const b = await body(c);
      const amt = units(b.amount, p);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(b.date ?? ""))) throw invalid("date");
      if (cn.status !== "open" || amt <= 0n || amt > units(cn.balance, p)) throw new ZohoError(400, 4, "Refund amount exceeds the credit note balance.");
      const refund = { creditnote_refund_id: newId(sim), date: b.date, refund_mode: b.refund_mode ?? "cash", amount: num(amt, p), reference_number: b.reference_number ?? "" };
      cn.refunds = [...((cn.refunds as Rec[]) ?? []), refund];
      settle(cn, "creditnotes", p);
      save(sim, "creditnotes", cn);
      return ok({ message: "Refund details have been added.", creditnote_refund: refund }, 201);
    }));

    app.get("/contacts", (c) => api(c, (o) => {
      const email = c.req.query("email");
      const rows = sim.store.list<Rec>("contacts").filter((x) => x.organization_id === o.organization_id && (!email || String(x.email).toLowerCase() === email.toLowerCase()));
      return ok({ message: "success", contacts: rows, page_context: { page: 1, per_page: 200, has_more_page: false } });
    }));
    app.post("/contacts", (c) => api(c, async (o) => {
      const b = await body(c);
      const name = typeof b.contact_name === "string" ? b.contact_name.trim() : "";
      if (!name || name.length > 200) throw invalid("contact_name");
      if (sim.store.list<Rec>("contacts").some((x) => x.organization_id === o.organization_id && x.contact_name === name)) throw new ZohoError(400, 3062, `The contact "${name}" already exists.`);
      const created = { organization_id: o.organization_id, contact_id: newId(sim), contact_name: name, contact_type: b.contact_type ?? "customer", email: b.email ?? "" };
      sim.store.put("contacts", key(o.organization_id, created.contact_id), created);
      return ok({ message: "The contact has been added.", contact: created }, 201);
    }));
    app.get("/settings/taxes", (c) => api(c, (o) => ok({ message: "success", taxes: o.taxes })));
    // https://www.zoho.com/books/api/v3/currency/#list-currencies
    app.get("/settings/currencies", (c) => api(c, (o) => ok({ message: "success", currencies: o.currencies.map((x) => ({ ...x, currency_name: x.currency_code, is_base_currency: x.currency_code === o.currency_code })) })));
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    for (const kind of ["invoices", "salesorders", "creditnotes"] as const) {
      const one = ONE[kind];
      for (const d of sim.store.list<Rec>(kind)) {
        const o = org(sim, String(d.organization_id));
        out.push({ kind: { invoices: "Invoice", salesorders: "SalesOrder", creditnotes: "CreditNote" }[kind], id: String(d[`${one}_id`]), externalRef: String(d[`${one}_number`]), total: inspectTotal(d, o), currency: String(d.currency_code), raw: d });
      }
    }
    return out;
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return throttled(sim, retryAfter, false);
    if (kind === "server") return fail(500, 1000, "Internal error"); // ../shared/specs/zoho-books/error_1000.response.example.json
    return new Response("<html><body>504 Gateway Time-out</body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
