// The admin's posting-profile form: generated from each destination's schema, edits a connection (and every other
// destination's) losslessly, the next Shopify → QuickBooks Online sync uses the saved profile, and bad or
// cross-origin posts change nothing.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConnection, saveConnection } from "../../workers/connections";
import { CONNECTORS } from "../../workers/connectors/registry";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { adminFetch, connect, eventually, inspect, newDeliveries, SANDBOX, sandbox } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], ["quickbooks-online"]);
  deliverNew = await newDeliveries("shopify");
});


const ORIGIN = "http://localhost:8787";
type Pairs = Array<[string, string]>;
type Config = Record<string, unknown>;

/** What a signed-in browser sends with a form post made from the admin page itself. */
const browser = () => ({ cookie: `om_admin=${env.ADMIN_TOKEN}`, origin: ORIGIN });

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/\s([a-zA-Z-]+)(?:="([^"]*)")?/g)) out[m[1]!.toLowerCase()] = unescapeHtml(m[2] ?? "");
  return out;
}

const CONTROLS = /<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/g;

/** The name/value pairs a browser submits for the page's post form: enabled controls, ticked boxes, chosen options. */
function formFields(html: string): Pairs {
  const form = /<form method="post"[^>]*>([\s\S]*?)<\/form>/.exec(html)![1]!;
  const out: Pairs = [];
  for (const [el] of form.matchAll(CONTROLS)) {
    const a = attrs(/^<[^>]*>/.exec(el)![0]);
    if (!a.name || "disabled" in a) continue;
    if (el.startsWith("<input")) {
      if (a.type !== "checkbox" || "checked" in a) out.push([a.name, a.value ?? (a.type === "checkbox" ? "on" : "")]);
    } else if (el.startsWith("<select")) {
      const options = [...el.matchAll(/<option\b[^>]*>/g)].map((o) => attrs(o[0]));
      out.push([a.name, (options.find((o) => "selected" in o) ?? options[0])?.value ?? ""]);
    } else {
      out.push([a.name, unescapeHtml(/^<textarea[^>]*>([\s\S]*)<\/textarea>$/.exec(el)![1]!)]);
    }
  }
  return out;
}

/** Every visible control of the page has a label: its own aria-label or a <label for> naming its id. */
function unlabelled(html: string): string[] {
  return [...html.matchAll(CONTROLS)]
    .map(([el]) => attrs(/^<[^>]*>/.exec(el)![0]))
    .filter((a) => a.type !== "hidden" && !a["aria-label"] && !(a.id && html.includes(`<label for="${a.id}">`)))
    .map((a) => a.name ?? "?");
}

function withValue(pairs: Pairs, name: string, value: string): Pairs {
  expect(pairs.some(([n]) => n === name), `the form has ${name}`).toBe(true);
  return pairs.map(([n, v]) => [n, n === name ? value : v]);
}

/** The opening tag of the control named `name`. */
function control(html: string, name: string): Record<string, string> {
  const tag = [...html.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)].map((m) => attrs(m[0])).find((a) => a.name === name && a.type !== "hidden");
  expect(tag, `a control named ${name}`).toBeDefined();
  return tag!;
}

async function storedConfig(id: string): Promise<Config> {
  const r = await adminFetch(`/admin/api/connections/${id}`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { connection: { config: Config } }).connection.config;
}

async function profilePage(id: string): Promise<string> {
  const r = await adminFetch(`/admin/connections/${id}/profile`);
  expect(r.status).toBe(200);
  return r.text();
}

function postProfile(id: string, pairs: Pairs, headers: Record<string, string> = browser()): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/admin/connections/${id}/profile`, { method: "POST", headers, body: new URLSearchParams(pairs), redirect: "manual" });
}

/** Mapping-table values, "" values, characters HTML escapes and a line break (which no text input can hold). */
const TRICKY_PROFILE: Config = {
  locations: { "store 1": { class: "Retail & Co", department: "" }, "<web>": { trackingCategory: "Region", trackingOption: "North" } },
  taxes: { codes: [{ rate: "0.0825", jurisdiction: "TX", code: "T1" }, { rate: "0", code: "E" }] },
  payments: { methods: { cash: { account: "090" }, 'gift "card"': { account: "091", method: "GC" } } },
  customers: { walkIn: "", createMissing: false },
  documents: { paid: "invoice", unpaid: "sales_order", byChannel: { web: { paid: "sales_order" } } },
  items: { map: { 'A&B "<1>"': "7", "ü-2": "8" }, autoCreate: false, fallback: "F1" },
  shippingItem: "SHIP\nPING",
  docNumberPrefix: "",
};
const TRICKY_QBO: Config = { itemMap: { 'A&B "<1>"': "7" }, classMap: { "store 1": "C1" }, taxCodeMap: { "TX:0.0825": "5" }, paymentMethodMap: {}, docNumberPrefix: "", incomeAccountId: "1\r\n" };

const secrets = () => Object.values(DEMO_CONNECTIONS).flatMap((c) => Object.values(c.credentials ?? {})).filter((v) => v.length >= 8);
const destinationSlugs = Object.values(CONNECTORS).filter((c) => c.kind === "destination" && DEMO_CONNECTIONS[c.slug]).map((c) => c.slug);

describe("Admin: the posting profile form", () => {
  const qbo = "demo-quickbooks-online";

  beforeAll(async () => {
    for (const slug of destinationSlugs) {
      const demo = DEMO_CONNECTIONS[slug]!;
      const config = { ...demo.config, ...(slug === "quickbooks-online" ? TRICKY_QBO : TRICKY_PROFILE) };
      await saveConnection(env, { ...demo, config, id: `profile-${slug}`, slug, baseUrl: `${SANDBOX}/${slug}` });
    }
  });

  it("each connection links to its form, which shows the stored values, labels every input and shows no credential", async () => {
    const list = await (await adminFetch("/admin/connections")).text();
    expect(list).toContain(`href="/admin/connections/${qbo}/profile"`);
    expect(list).toContain("Edit posting profile");
    const stored = await storedConfig(qbo);
    const html = await profilePage(qbo);
    const fields = formFields(html);
    expect(fields.find(([n]) => n === "walkInCustomerId")?.[1]).toBe(stored.walkInCustomerId);
    expect(control(html, "walkInCustomerId").id).toBeTruthy();
    expect(html).toContain(`<label for="${control(html, "walkInCustomerId").id}">`);
    expect(JSON.parse(fields.find(([n]) => n === "json")![1])).toEqual(stored);
    expect(unlabelled(html)).toEqual([]);
    for (const s of [...secrets(), "test-seed-"]) expect(html, `the page shows ${s}`).not.toContain(s);
  });

  it("every destination's form, posted untouched, saves its config back exactly", async () => {
    expect(destinationSlugs.length).toBeGreaterThan(5);
    for (const slug of destinationSlugs) {
      const id = `profile-${slug}`;
      const before = await storedConfig(id);
      const html = await profilePage(id);
      expect(unlabelled(html), slug).toEqual([]);
      for (const s of secrets()) expect(html, `${slug} page shows ${s}`).not.toContain(s);
      const res = await postProfile(id, formFields(html));
      expect(res.status, `${slug}: ${res.status === 400 ? await res.text() : ""}`).toBe(303);
      expect(await storedConfig(id), slug).toEqual(before);
    }
  });

  it("a changed field saves with a 303 and a notice, and the next sync uses it (the cached connection is dropped)", async () => {
    const before = await storedConfig(qbo);
    const sealed = () => env.DB.prepare(`SELECT credentials FROM connections WHERE id = ?`).bind(qbo).first<{ credentials: string }>();
    const sealedBefore = await sealed();
    await loadConnection(env, qbo); // the connection as a sync would have cached it
    const prefix = "PF-";
    const res = await postProfile(qbo, withValue(formFields(await profilePage(qbo)), "docNumberPrefix", prefix));
    expect(res.status).toBe(303);
    expect(await sealed(), "the sealed credentials are not rewritten").toEqual(sealedBefore);
    const back = res.headers.get("location")!;
    expect(new URL(back, ORIGIN).pathname).toBe(`/admin/connections/${qbo}/profile`);
    expect(await (await adminFetch(back)).text()).toMatch(/role="status">Saved/);
    expect(await storedConfig(qbo)).toEqual({ ...before, docNumberPrefix: prefix });

    const id = 930002;
    await sandbox("/_seed/shopify/orders", shopifyOrder(id, { updated_at: new Date().toISOString() }));
    await deliverNew();
    const doc = await eventually(async () => (await inspect("quickbooks-online")).find((d) => JSON.stringify(d.raw).includes(`:${id}`)), 20_000, "the QuickBooks document");
    expect(doc.externalRef).toBe(`${prefix}#${id}`);
  });

  it("form fields and the JSON combine: a field changed in the form wins, the JSON carries every other change", async () => {
    const id = "profile-netsuite";
    const before = await storedConfig(id);
    let pairs = formFields(await profilePage(id));
    const json = JSON.parse(pairs.find(([n]) => n === "json")![1]) as Config;
    pairs = withValue(pairs, "json", JSON.stringify({ ...json, concurrency: 9, documents: { ...(json.documents as Config), paid: "sales_order" } }));
    pairs = withValue(pairs, "documents.paid", "invoice_with_payment");
    const blank = pairs.find(([n, v]) => /^locations\.\d+\.\$key$/.test(n) && v === "")![0].split(".")[1];
    pairs = withValue(withValue(pairs, `locations.${blank}.$key`, "store-9"), `locations.${blank}.class`, "7");
    const store1 = pairs.find(([n, v]) => /^locations\.\d+\.\$key$/.test(n) && v === "store 1")![0].split(".")[1];
    pairs = withValue(pairs, `locations.${store1}.class`, "Retail 2");
    pairs = pairs.filter(([n, v]) => !(n === "items.autoCreate" && v === "on")).concat([["items.autoCreate", "on"]]);
    const res = await postProfile(id, pairs);
    expect(res.status).toBe(303);
    const after = await storedConfig(id);
    expect(after.concurrency).toBe(9);
    expect((after.documents as Config).paid).toBe("invoice_with_payment");
    const locations = before.locations as Record<string, Config>;
    expect(after.locations).toEqual({ ...locations, "store 1": { ...locations["store 1"], class: "Retail 2" }, "store-9": { class: "7" } });
    expect((after.items as Config).autoCreate).toBe(true);
    expect(after.shippingItem).toBe(before.shippingItem);
  });

  it("an invalid post answers 400 with each issue beside its field, keeps what was typed and changes nothing", async () => {
    const id = "profile-netsuite";
    const schema = CONNECTORS.netsuite!.configSchema;
    const before = await storedConfig(id);
    const cases: Array<{ edits: Array<[string, string]>; candidate: Config }> = [
      { edits: [["documents.paid", "bogus"], ["concurrency", "-3"]], candidate: { ...before, documents: { ...(before.documents as Config), paid: "bogus" }, concurrency: -3 } },
      { edits: [["concurrency", "abc"]], candidate: { ...before, concurrency: "abc" } },
    ];
    for (const { edits, candidate } of cases) {
      const expected = schema.safeParse(candidate);
      expect(expected.success).toBe(false);
      let pairs = formFields(await profilePage(id));
      for (const [n, v] of edits) pairs = withValue(pairs, n, v);
      const res = await postProfile(id, pairs);
      expect(res.status).toBe(400);
      const html = await res.text();
      for (const issue of expected.error!.issues) {
        const name = issue.path.join(".");
        const ctl = control(html, name);
        expect(ctl["aria-invalid"], name).toBe("true");
        const issuesId = ctl["aria-describedby"]!.split(" ").find((x) => x.endsWith("-issues"))!;
        const beside = new RegExp(`<ul id="${issuesId}" class="issues">([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? "";
        expect(unescapeHtml(beside)).toContain(`${name}: ${issue.message}`);
      }
      for (const [n, v] of edits) expect(formFields(html).find(([k]) => k === n)?.[1]).toBe(v);
      expect(await storedConfig(id)).toEqual(before);
    }
    // A mapping row without its key is refused too, together with the schema's issues.
    let rows = formFields(await profilePage(id));
    const blank = rows.find(([n, v]) => /^items\.map\.\d+\.\$key$/.test(n) && v === "")![0].split(".")[2];
    rows = withValue(withValue(rows, `items.map.${blank}.$value`, "9"), "concurrency", "0");
    const both = await postProfile(id, rows);
    expect(both.status).toBe(400);
    const bothHtml = unescapeHtml(await both.text());
    expect(bothHtml).toMatch(/items\.map: row \d+ has no key/);
    expect(bothHtml).toContain(`concurrency: ${schema.safeParse({ ...before, concurrency: 0 }).error!.issues[0]!.message}`);
    expect(await storedConfig(id)).toEqual(before);
    // An unknown document kind in the JSON is refused the same way.
    const pairs = formFields(await profilePage(id));
    const json = JSON.parse(pairs.find(([n]) => n === "json")![1]) as Config;
    const res = await postProfile(id, withValue(pairs, "json", JSON.stringify({ ...json, documents: { ...(json.documents as Config), unpaid: "quote" } })));
    expect(res.status).toBe(400);
    expect(unescapeHtml(await res.text())).toContain("documents.unpaid: ");
    expect(await storedConfig(id)).toEqual(before);
  });

  it("a post without the admin token, or a cookie post from another origin, is refused and changes nothing", async () => {
    const id = "profile-quickbooks-online";
    const before = await storedConfig(id);
    const pairs = withValue(formFields(await profilePage(id)), "docNumberPrefix", "X-");
    const cookie = `om_admin=${env.ADMIN_TOKEN}`;
    const refused: Array<[Record<string, string>, number]> = [
      [{ origin: ORIGIN }, 401],
      [{ cookie: "om_admin=wrong", origin: ORIGIN }, 401],
      [{ cookie, origin: "https://evil.example" }, 403],
      [{ cookie, origin: "http://localhost:8787.evil.example" }, 403],
      [{ cookie, origin: "null" }, 403],
      [{ cookie, "sec-fetch-site": "same-site" }, 403],
      [{ cookie }, 403],
    ];
    for (const [headers, status] of refused) {
      const res = await postProfile(id, pairs, headers);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      await res.arrayBuffer();
    }
    expect(await storedConfig(id)).toEqual(before);
    // The same post from the admin's own page goes through.
    expect((await postProfile(id, pairs, { cookie, "sec-fetch-site": "same-origin" })).status).toBe(303);
    expect((await storedConfig(id)).docNumberPrefix).toBe("X-");
  });
});
