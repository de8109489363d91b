// Sage Intacct simulator: the XML gateway (XSD-validated), sender + login/session auth, controlid dedup, Order Entry transactions.
import type { Context, Hono } from "hono";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { BL, child, children, company, dateOf, defaultCompany, dec, field, fmt, IntacctError, line, places, round, stamp, subtotals, totals, type Company, type Line, type Rec } from "./company";
import { attr, kids, tag, type XNode } from "./ordered";
import { parseOrdered, validateRequest, XmlSyntaxError } from "./xsd";

const GATEWAY = "/ia/xml/xmlgw.phtml";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function xml(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, { status, headers: { "content-type": "text/xml; charset=UTF-8", ...headers } });
}

function errors(list: Array<{ errorno: string; description?: string; description2: string; correction?: string }>): string {
  return `<errormessage>${list.map((e) => `<error><errorno>${esc(e.errorno)}</errorno><description>${esc(e.description ?? "")}</description><description2>${esc(e.description2)}</description2><correction>${esc(e.correction ?? "")}</correction></error>`).join("")}</errormessage>`;
}

interface ControlEcho {
  senderid: string;
  controlid: string;
  uniqueid: string;
  dtdversion: string;
}

function control(status: "success" | "failure", c: ControlEcho): string {
  return `<control><status>${status}</status><senderid>${esc(c.senderid)}</senderid><controlid>${esc(c.controlid)}</controlid><uniqueid>${esc(c.uniqueid)}</uniqueid><dtdversion>${esc(c.dtdversion)}</dtdversion></control>`;
}

/** A control-level failure, shaped like ../shared/specs/sage-intacct/examples/xml_parse_error.response.xml. */
function controlFailure(c: ControlEcho, errorno: string, description2: string): Response {
  return xml(`<response>${control("failure", c)}${errors([{ errorno, description2: `${description2} [Support ID: ${crypto.randomUUID().slice(0, 12)}]` }])}</response>`);
}

/** 429 "GW-0010" from the gateway (https://developer.intacct.com/web-services/error-handling/). */
function throttled(sim: SimContext, retryAfter: number, count = true): Response {
  if (count) sim.bump("throttled");
  return xml(`<response><control><status>failure</status></control>${errors([{ errorno: "GW-0010", description: `Too many requests [Request ID: ${crypto.randomUUID().slice(0, 8)}]`, description2: "The API client has exceeded its rate limit." }])}</response>`, 429, { "retry-after": String(retryAfter) });
}

// ------------------------------------------------------------------ sessions

interface Session {
  companyId: string;
  userId: string;
  senderId: string;
  issuedAt: number;
  expiresAt: number;
}

function newSession(sim: SimContext, co: Company, userId: string, senderId: string): { id: string; session: Session } {
  const rand = () => Math.floor(sim.random() * 2 ** 32).toString(36);
  const id = `${rand()}${rand()}${rand()}..`;
  const now = sim.now().getTime();
  const session = { companyId: co.companyId, userId, senderId, issuedAt: now, expiresAt: now + co.sessionTtlSeconds * 1000 };
  sim.store.put("sessions", id, session);
  return { id, session };
}

function liveSession(sim: SimContext, id: string): Session | null {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("sessionsValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  const s = sim.store.get<Session>("sessions", id);
  if (!s || s.expiresAt <= sim.now().getTime() || s.issuedAt <= sim.store.getSetting<number>("sessionsValidAfter", 0)) return null;
  return s;
}

// ------------------------------------------------------------------ documents

interface SoDoc extends Rec {
  COMPANY: string;
  RECORDNO: string;
  DOCID: string;
  DOCNO: string;
  DOCPARID: string;
  STATE: string;
  CUSTVENDID: string;
  PONUMBER: string;
  CUSTOMERPONUMBER: string;
  EXTERNALID: string;
  MESSAGE: string;
  WHENCREATED: string;
  WHENMODIFIED: string;
  CURRENCY: string;
  BASECURR: string;
  EXCHRATE: string;
  SUBTOTAL: string;
  TOTAL: string;
  TRX_TOTAL: string;
  TRACKINGNUMBER: string;
  SHIPPEDDATE: string;
  SODOCUMENTENTRIES: Line[];
  SUBTOTALS: Array<{ DESCRIPTION: string; TOTAL: string }>;
}

const STATES = ["Draft", "Pending", "Closed"];
const docKey = (co: string, docid: string) => `${co}|${docid}`;

function currencyBlock(n: XNode, co: Company, existing?: SoDoc): { CURRENCY: string; BASECURR: string; EXCHRATE: string } {
  const currency = field(n, "currency") ?? existing?.CURRENCY ?? co.baseCurrency;
  if (!/^[A-Z]{3}$/.test(currency)) throw new IntacctError(BL, `Invalid currency ${currency}`);
  const rate = field(n, "exchrate");
  if (rate !== undefined) dec(rate, "exchrate");
  return { CURRENCY: currency, BASECURR: field(n, "basecurr") ?? existing?.BASECURR ?? co.baseCurrency, EXCHRATE: rate ?? existing?.EXCHRATE ?? "1" };
}

function createSo(sim: SimContext, co: Company, n: XNode): SoDoc {
  const defName = field(n, "transactiontype") ?? "";
  const def = co.definitions[defName];
  if (!def) throw new IntacctError(BL, `Invalid transaction definition '${defName}'`, "Use a transaction definition of this company");
  const customer = field(n, "customerid") ?? "";
  if (!co.customers.includes(customer)) throw new IntacctError(BL, `Invalid Customer ${customer}`);
  const state = field(n, "state") ?? "Pending";
  if (!STATES.includes(state)) throw new IntacctError(BL, `Invalid state '${state}'`);
  const cur = currencyBlock(n, co);
  const p = places(cur.CURRENCY);
  const items = children(child(n, "sotransitems")!, "sotransitem");
  const lines = items.map((it, i) => line(co, it, p, i + 1));
  const subs = subtotals(def, defName, children(child(n, "subtotals") ?? ({ subtotals: [] } as XNode), "subtotal"), p);
  const sums = totals(lines, subs, p);
  const no = sim.store.next(`docno:${co.companyId}:${defName}`);
  const docno = field(n, "documentno") ?? `${def.prefix}${String(no).padStart(4, "0")}`;
  const docid = `${defName}-${docno}`;
  if (sim.store.get(`sodocs`, docKey(co.companyId, docid))) throw new IntacctError(BL, `Document number ${docno} already exists for ${defName}`);
  const created = dateOf(child(n, "datecreated"), "datecreated")!;
  const doc: SoDoc = {
    COMPANY: co.companyId,
    RECORDNO: String(sim.store.next(`recordno:${co.companyId}`, 1001)),
    DOCID: docid,
    DOCNO: docno,
    DOCPARID: defName,
    STATE: state,
    CUSTVENDID: customer,
    PONUMBER: field(n, "referenceno") ?? "",
    CUSTOMERPONUMBER: field(n, "customerponumber") ?? "",
    EXTERNALID: field(n, "externalid") ?? "",
    MESSAGE: field(n, "message") ?? "",
    WHENCREATED: created,
    WHENMODIFIED: stamp(sim.now()),
    ...cur,
    SUBTOTAL: sums.SUBTOTAL,
    TOTAL: sums.TOTAL,
    TRX_TOTAL: sums.TOTAL,
    TRACKINGNUMBER: field(n, "trackingnumber") ?? "",
    SHIPPEDDATE: dateOf(child(n, "shippeddate"), "shippeddate") ?? "",
    SODOCUMENTENTRIES: lines,
    SUBTOTALS: subs,
  };
  sim.store.put("sodocs", docKey(co.companyId, docid), doc);
  return doc;
}

function updateSo(sim: SimContext, co: Company, n: XNode): SoDoc {
  const key = attr(n, "key") ?? "";
  const existing = sim.store.get<SoDoc>("sodocs", docKey(co.companyId, key));
  if (!existing) throw new IntacctError(BL, `Could not find transaction ${key}`);
  if (existing.STATE === "Closed") throw new IntacctError(BL, `Transaction ${key} is closed and cannot be edited`);
  const next: SoDoc = { ...existing, SODOCUMENTENTRIES: [...existing.SODOCUMENTENTRIES], SUBTOTALS: [...existing.SUBTOTALS] };
  const cur = currencyBlock(n, co, existing);
  const p = places(cur.CURRENCY);
  Object.assign(next, cur);
  for (const [from, to] of [["referenceno", "PONUMBER"], ["message", "MESSAGE"], ["trackingnumber", "TRACKINGNUMBER"], ["customerponumber", "CUSTOMERPONUMBER"], ["externalid", "EXTERNALID"]] as const) {
    const v = field(n, from);
    if (v !== undefined) next[to] = v;
  }
  const state = field(n, "state");
  if (state !== undefined) {
    if (!STATES.includes(state)) throw new IntacctError(BL, `Invalid state '${state}'`);
    next.STATE = state;
  }
  const shipped = dateOf(child(n, "shippeddate"), "shippeddate");
  if (shipped) next.SHIPPEDDATE = shipped;
  const items = child(n, "updatesotransitems");
  if (items) {
    for (const it of kids(items)) {
      if (tag(it) === "updatesotransitem") {
        const no = Number(attr(it, "line_num"));
        const idx = next.SODOCUMENTENTRIES.findIndex((l) => l.LINE_NO === no);
        if (idx < 0) throw new IntacctError(BL, `Line ${attr(it, "line_num")} does not exist on ${key}`);
        next.SODOCUMENTENTRIES[idx] = line(co, it, p, no, next.SODOCUMENTENTRIES[idx]);
      } else if (tag(it) === "sotransitem") {
        next.SODOCUMENTENTRIES.push(line(co, it, p, next.SODOCUMENTENTRIES.length + 1));
      }
    }
  }
  const subs = child(n, "updatesubtotals");
  if (subs) {
    const def = co.definitions[existing.DOCPARID]!;
    for (const s of subtotals(def, existing.DOCPARID, children(subs, "updatesubtotal"), p)) {
      const at = next.SUBTOTALS.findIndex((x) => x.DESCRIPTION === s.DESCRIPTION);
      if (at >= 0) next.SUBTOTALS[at] = s;
      else next.SUBTOTALS.push(s);
    }
  }
  const sums = totals(next.SODOCUMENTENTRIES, next.SUBTOTALS, p);
  next.SUBTOTAL = sums.SUBTOTAL;
  next.TOTAL = sums.TOTAL;
  next.TRX_TOTAL = sums.TOTAL;
  next.WHENMODIFIED = stamp(sim.now());
  sim.store.put("sodocs", docKey(co.companyId, key), next);
  return next;
}

/** readByQuery on SODOCUMENT: conditions FIELD = 'value' (and >=, <=) joined by AND. */
function query(sim: SimContext, co: Company, n: XNode): string {
  const object = (field(n, "object") ?? "").toUpperCase();
  if (object !== "SODOCUMENT" && object !== "SODOCUMENTENTRY") throw new IntacctError("Query Failed", `Object definition ${object} not found`);
  const q = field(n, "query") ?? "";
  const conds: Array<[string, string, string]> = [];
  const re = /\s*([A-Z_]+)\s*(=|>=|<=)\s*'((?:[^']|'')*)'\s*(?:AND\s+|$)/giy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(q))) {
    conds.push([m[1]!.toUpperCase(), m[2]!, m[3]!.replace(/''/g, "'")]);
    end = re.lastIndex;
  }
  if (q.trim() && end !== q.length) throw new IntacctError("Query Failed", `Invalid query: ${q}`);
  const cmp = (a: string, op: string, b: string) => {
    const isDate = /^\d{2}\/\d{2}\/\d{4}/.test(b);
    const norm = (s: string) => (isDate ? s.replace(/^(\d{2})\/(\d{2})\/(\d{4})(.*)$/, "$3$1$2$4") : s);
    return op === "=" ? a === b : op === ">=" ? norm(a) >= norm(b) : norm(a) <= norm(b);
  };
  const docs = sim.store.list<SoDoc>("sodocs").filter((d) => d.COMPANY === co.companyId);
  const source: Rec[] = object === "SODOCUMENT" ? docs : docs.flatMap((d) => d.SODOCUMENTENTRIES.map((l) => ({ ...l, RECORDNO: `${d.RECORDNO}-${l.LINE_NO}`, DOCHDRID: d.DOCID })));
  const rows = source.filter((d) => conds.every(([f, op, v]) => cmp(String(d[f] ?? ""), op, v)));
  const size = Math.min(1000, Number(field(n, "pagesize") ?? 100));
  const page = rows.slice(0, size);
  const fields = (field(n, "fields") ?? "*").split(",").map((s) => s.trim().toUpperCase());
  const scalar = (d: Rec) => Object.entries(d).filter(([k, v]) => k !== "COMPANY" && (typeof v === "string" || typeof v === "number") && (fields.includes("*") || fields.includes(k)));
  const tagName = object.toLowerCase();
  const body = page.map((d) => `<${tagName}>${scalar(d).map(([k, v]) => `<${k}>${esc(String(v))}</${k}>`).join("")}</${tagName}>`).join("");
  return `<data listtype="${tagName}" count="${page.length}" totalcount="${rows.length}" numremaining="${rows.length - page.length}" resultId="">${body}</data>`;
}

// ------------------------------------------------------------------ gateway

interface Auth {
  co: Company;
  userId: string;
  senderId: string;
  sessionTimeout?: number;
}

function authBlock(status: "success" | "failure", a: { userId: string; companyId: string }, sim: SimContext, timeout?: number): string {
  return `<authentication><status>${status}</status><userid>${esc(a.userId)}</userid><companyid>${esc(a.companyId)}</companyid><locationid></locationid><sessiontimestamp>${sim.now().toISOString()}</sessiontimestamp>${timeout ? `<sessiontimeout>${new Date(timeout).toISOString()}</sessiontimeout>` : ""}</authentication>`;
}

function runFunction(sim: SimContext, auth: Auth, fn: XNode, baseUrl: string): string {
  const controlid = attr(fn, "controlid") ?? "";
  const op = kids(fn).find((k) => tag(k) !== "#text")!;
  const name = tag(op);
  const ok = (inner: string) => `<result><status>success</status><function>${name}</function><controlid>${esc(controlid)}</controlid>${inner}</result>`;
  try {
    switch (name) {
      case "getAPISession": {
        const s = newSession(sim, auth.co, auth.userId, auth.senderId);
        auth.sessionTimeout = s.session.expiresAt;
        return ok(`<data><api><sessionid>${esc(s.id)}</sessionid><endpoint>${esc(baseUrl + GATEWAY)}</endpoint><locationid></locationid></api></data>`);
      }
      case "create_sotransaction":
        return ok(`<key>${esc(createSo(sim, auth.co, op).DOCID)}</key>`);
      case "update_sotransaction":
        return ok(`<key>${esc(updateSo(sim, auth.co, op).DOCID)}</key>`);
      case "readByQuery":
        return ok(query(sim, auth.co, op));
      default:
        throw new IntacctError(BL, `The function ${name} is not available to this sender in this company`);
    }
  } catch (err) {
    if (!(err instanceof IntacctError)) throw err;
    return `<result><status>failure</status><function>${name}</function><controlid>${esc(controlid)}</controlid>${errors([{ errorno: err.errorno, description2: err.description2, correction: err.correction }])}</result>`;
  }
}

async function gateway(c: Context, sim: SimContext): Promise<Response> {
  const body = await c.req.text();
  const echo: ControlEcho = {
    senderid: /<senderid>([^<]*)<\/senderid>/.exec(body)?.[1] ?? "",
    controlid: /<controlid>([^<]*)<\/controlid>/.exec(body)?.[1] ?? "",
    uniqueid: /<uniqueid>([^<]*)<\/uniqueid>/.exec(body)?.[1] ?? "false",
    dtdversion: /<dtdversion>([^<]*)<\/dtdversion>/.exec(body)?.[1] ?? "3.0",
  };
  let doc: XNode[];
  try {
    doc = parseOrdered(body);
  } catch (err) {
    if (err instanceof XmlSyntaxError) return controlFailure(echo, "XL03000003", err.message);
    throw err;
  }
  const issues = validateRequest(doc);
  if (issues.length) {
    sim.bump("schema_rejections");
    return controlFailure(echo, "XL03000003", `XML Parse schema error: Error 1871: ${issues[0]!.message}`);
  }
  const request = doc.find((n) => tag(n) === "request")!;
  const ctl = child(request, "control")!;
  const senders: Record<string, string> = { "demo-intacct-sender": "demo-intacct-sender-pw", ...sim.store.getSetting<Record<string, string>>("senders", {}) };
  const senderId = field(ctl, "senderid") ?? "";
  if (senders[senderId] === undefined || senders[senderId] !== field(ctl, "password")) {
    return controlFailure(echo, "XL03000005", "Incorrect Intacct XML Partner ID or password.");
  }
  const uniqueid = (field(ctl, "uniqueid") ?? "true") === "true";
  const out: string[] = [];
  for (const op of children(request, "operation")) {
    const authNode = child(op, "authentication")!;
    const login = child(authNode, "login");
    const sid = field(authNode, "sessionid");
    let auth: Auth | null = null;
    let who = { userId: "", companyId: "" };
    if (login) {
      who = { userId: field(login, "userid") ?? "", companyId: field(login, "companyid") ?? "" };
      const co = company(sim, who.companyId);
      if (co && co.users[who.userId] !== undefined && co.users[who.userId] === field(login, "password")) auth = { co, userId: who.userId, senderId };
    } else if (sid !== undefined) {
      const s = liveSession(sim, sid);
      const co = s ? company(sim, s.companyId) : null;
      if (s && co) {
        who = { userId: s.userId, companyId: s.companyId };
        auth = { co, userId: s.userId, senderId, sessionTimeout: s.expiresAt };
      }
    }
    if (!auth) {
      // The SDK's own fixture (intacct/intacct-sdk-js test/Xml/OnlineResponseTest.ts) shows this exact failure.
      out.push(`<operation>${authBlock("failure", who, sim)}${errors([{ errorno: "XL03000006", description2: "Sign-in information is incorrect" }])}</operation>`);
      continue;
    }
    const slot = `company:${auth.co.companyId}`;
    if (!sim.acquireSlot(slot, auth.co.concurrency)) return throttled(sim, 1);
    try {
      const results: string[] = [];
      for (const content of children(op, "content")) {
        for (const fn of children(content, "function")) {
          const controlid = attr(fn, "controlid") ?? "";
          const replayKey = `${auth.co.companyId}|${controlid}`;
          // uniqueid=true: an already executed and completed function is not repeated (developer.intacct.com/web-services/requests/).
          const seen = uniqueid ? sim.store.get<string>("controlids", replayKey) : null;
          if (seen) {
            sim.bump("replayed");
            results.push(seen);
            continue;
          }
          const r = runFunction(sim, auth, fn, sim.baseUrl);
          if (uniqueid && r.startsWith("<result><status>success</status>") && !r.includes("<function>getAPISession</function>")) sim.store.put("controlids", replayKey, r);
          results.push(r);
        }
      }
      out.push(`<operation>${authBlock("success", who, sim, auth.sessionTimeout)}${results.join("")}</operation>`);
    } finally {
      sim.releaseSlot(slot);
    }
  }
  return xml(`<response>${control("success", echo)}${out.join("")}</response>`);
}

function inspectTotal(d: SoDoc): string {
  const p = places(d.CURRENCY);
  return fmt(round(dec(d.TRX_TOTAL, "total"), p), p);
}

export const sageIntacctSimulator: Simulator = {
  slug: "sage-intacct",

  routes(app: Hono, sim: SimContext) {
    // Controls (never faulted): Web Services senders, companies (users, definitions, customers, items, tier concurrency).
    app.post("/_sim/senders", async (c) => {
      const b = (await c.req.json()) as { senderId: string; senderPassword: string };
      sim.store.setSetting("senders", { ...sim.store.getSetting<Record<string, string>>("senders", {}), [b.senderId]: b.senderPassword });
      return c.json({ ok: true });
    });
    app.post("/_sim/companies/:id", async (c) => {
      const id = c.req.param("id");
      const next = { ...(company(sim, id) ?? defaultCompany(id)), ...((await c.req.json()) as Partial<Company>) };
      sim.store.put("companies", id, next);
      return c.json(next);
    });
    // https://developer.intacct.com/web-services/ — one endpoint, XML in, XML out (HTTP 200 even for failures).
    app.post(GATEWAY, (c) => gateway(c, sim));
  },

  inspect(sim: SimContext): InspectDocument[] {
    return sim.store.list<SoDoc>("sodocs").map((d) => ({ kind: d.DOCPARID, id: d.DOCID, externalRef: d.PONUMBER, total: inspectTotal(d), currency: d.CURRENCY, raw: d }));
  },

  /** The company is in the XML body (login) or behind the session id: faults scope to "company:<id>". */
  async faultScope(c, sim) {
    const body = await c.req.text();
    const companyId = /<companyid>([^<]*)<\/companyid>/.exec(body)?.[1] ?? sim.store.get<Session>("sessions", /<sessionid>([^<]*)<\/sessionid>/.exec(body)?.[1] ?? "")?.companyId ?? "";
    return `company:${companyId}`;
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return throttled(sim, retryAfter, false);
    if (kind === "server") return new Response("<html><body><h1>500 Internal Server Error</h1></body></html>", { status: 500, headers: { "content-type": "text/html" } });
    return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};

