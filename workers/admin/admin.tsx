/** @jsxImportSource hono/jsx */
// The admin page and its JSON API: orders with timelines, failures with retry, quarantine, runs, connections and their settings.
import { Hono } from "hono";
import { z } from "zod";
import { PostingProfile } from "../../shared/posting/profile";
import { addRoute, destinationsOf, loadConnection, saveConnection, type ConnectionInput } from "../connections";
import { CONNECTORS } from "../connectors/registry";
import { reconcile, recentRuns } from "../reconcile/reconcile";
import { requireAdmin, setSession, tokenMatches } from "./auth";
import * as data from "./data";
import { buildForm, encode, readPost, type Issue } from "./profile-form";
import { ProfilePage } from "./profile-view";
import { Cards, Layout, LoginPage, Money, Status } from "./views";

export const admin = new Hono<{ Bindings: Env }>();

admin.get("/login", (c) => c.html(<LoginPage />));
admin.post("/login", async (c) => {
  const form = await c.req.parseBody();
  const token = typeof form.token === "string" ? form.token : "";
  if (!tokenMatches(c.env, token)) return c.html(<LoginPage error="That token is not valid." />, 401);
  setSession(c, token);
  return c.redirect("/admin");
});

admin.use("*", requireAdmin);

// ------------------------------------------------------------------ JSON API
admin.get("/api/orders", async (c) => c.json({ orders: await data.listOrders(c.env, c.req.query("q")) }));
admin.get("/api/orders/:orderKey", async (c) => {
  const orderKey = c.req.param("orderKey");
  const t = await c.env.ORDER_ACTOR.getByName(orderKey).timeline();
  return c.json({ ...t, links: await data.linksOf(c.env, orderKey) });
});
admin.get("/api/failures", async (c) => c.json({ failures: await data.openFailures(c.env) }));
admin.get("/api/quarantine", async (c) => c.json({ quarantine: await data.listQuarantine(c.env) }));
admin.get("/api/runs", async (c) => c.json({ runs: await recentRuns(c.env) }));
admin.get("/api/connections", async (c) => c.json({ connections: await withBudgets(c.env) }));
admin.get("/api/connections/:id", async (c) => {
  const conn = await data.connectionById(c.env, c.req.param("id"));
  return conn ? c.json({ connection: conn }) : c.json({ error: "no such connection" }, 404);
});
admin.get("/api/connectors", (c) =>
  c.json({
    connectors: Object.values(CONNECTORS).map((k) => ({
      slug: k.slug, kind: k.kind, displayName: k.displayName, docsUrl: k.docsUrl, apiVersion: k.apiVersion,
      rateLimit: k.rateLimit, capabilities: k.capabilities, credentialKeys: k.credentialKeys,
    })),
  }),
);
admin.post("/api/reconcile", async (c) => c.json(await reconcile(c.env)));
/** Creates or replaces a connection; credentials are sealed and never returned (omitted: an existing connection keeps its own). */
admin.put("/api/connections/:id", async (c) => {
  const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
  if (!body) return c.json({ error: "body must be JSON" }, 400);
  const saved = await store(c.env, { ...(body as object), id: c.req.param("id") } as ConnectionInput);
  if (!saved.ok) return c.json({ error: saved.message }, 400);
  return c.json({ ok: true, id: c.req.param("id") });
});
admin.put("/api/routes/:source/:destination", async (c) => {
  const { source, destination } = c.req.param();
  const both = await Promise.all([loadConnection(c.env, source, true), loadConnection(c.env, destination, true)]);
  if (both[0]?.role !== "source" || both[1]?.role !== "destination") return c.json({ error: "route must go from a source connection to a destination connection" }, 400);
  await addRoute(c.env, source, destination);
  return c.json({ ok: true });
});
admin.post("/api/failures/:id/retry", async (c) => c.json(await retryFailure(c.env, Number(c.req.param("id")))));

// ------------------------------------------------------------------ pages
admin.get("/", async (c) => {
  const s = await data.summary(c.env);
  const runs = await recentRuns(c.env, 5);
  const counters = await data.counterTotals(c.env);
  return c.html(
    <Layout title="Overview">
      <Cards items={[["orders", s.orders], ["documents", s.documents], ["open failures", s.failures], ["quarantined", s.quarantined]]} />
      <h2>Recent reconciliation runs</h2>
      <RunsTable runs={runs} />
      <h2>Counters</h2>
      <table>
        <tr><th>connection</th><th>counter</th><th class="num">value</th></tr>
        {counters.map((k) => (
          <tr><td>{k.connectionId}</td><td>{k.name}</td><td class="num">{k.value}</td></tr>
        ))}
      </table>
    </Layout>,
  );
});

admin.get("/orders", async (c) => {
  const q = c.req.query("q");
  const rows = await data.listOrders(c.env, q);
  return c.html(
    <Layout title="Orders">
      <form method="get"><input name="q" value={q ?? ""} placeholder="order number or id" /> <button>Search</button></form>
      <table>
        <tr><th>order</th><th>source</th><th>status</th><th class="num">total</th><th>updated</th></tr>
        {rows.map((o) => (
          <tr>
            <td><a href={`/admin/orders/${encodeURIComponent(o.orderKey)}`}>{o.orderNumber}</a></td>
            <td>{o.connectionId}</td>
            <td><Status value={o.status} /></td>
            <td class="num"><Money minor={o.total} currency={o.currency} /></td>
            <td>{o.sourceUpdatedAt}</td>
          </tr>
        ))}
      </table>
    </Layout>,
  );
});

admin.get("/orders/:orderKey", async (c) => {
  const orderKey = c.req.param("orderKey");
  const t = await c.env.ORDER_ACTOR.getByName(orderKey).timeline();
  const docs = await data.linksOf(c.env, orderKey);
  const order = t.snapshot?.order;
  if (!order) {
    return c.html(<Layout title="Order not found"><p>No order {orderKey} has been received.</p></Layout>, 404);
  }
  return c.html(
    <Layout title={`Order ${order.orderNumber}`}>
      <Cards items={[["status", t.snapshot!.status], ["revision", t.snapshot!.revision], ["duplicates absorbed", t.duplicates], ["log chain", t.chainValid ? "intact" : "BROKEN"]]} />
      <p>
        {order.source} · {order.connectionId} · source id {order.sourceOrderId} · total <Money minor={order.totals.total} currency={order.currency} />
      </p>
      <h2>Destination documents</h2>
      <table>
        <tr><th>destination</th><th>document</th><th>reference</th><th class="num">total</th><th>synced revision</th></tr>
        {docs.map((l) => (
          <tr>
            <td>{l.destinationConnectionId}</td><td>{l.docKind} {l.docId}</td><td>{l.externalRef}</td>
            <td class="num"><Money minor={l.total} currency={l.currency} /></td><td>{l.syncedVersion}</td>
          </tr>
        ))}
      </table>
      <h2>Timeline</h2>
      <table>
        <tr><th>when</th><th>what</th><th>detail</th></tr>
        {t.entries.map((e) => (
          <tr>
            <td>{e.at}</td>
            <td><Status value={e.kind} /></td>
            <td>{e.summary}</td>
          </tr>
        ))}
      </table>
      <h2>Lines</h2>
      <table>
        <tr><th>sku</th><th>name</th><th class="num">qty</th><th class="num">unit price</th><th class="num">amount</th></tr>
        {order.lines.map((l) => (
          <tr>
            <td>{l.sku ?? ""}</td><td>{l.name}</td><td class="num">{l.quantity}</td>
            <td class="num"><Money minor={l.unitPrice} currency={order.currency} /></td>
            <td class="num"><Money minor={l.grossAmount} currency={order.currency} /></td>
          </tr>
        ))}
      </table>
    </Layout>,
  );
});

admin.get("/failures", async (c) => {
  const rows = await data.openFailures(c.env);
  return c.html(
    <Layout title="Failures">
      <table>
        <tr><th>order</th><th>destination</th><th>kind</th><th>vendor code</th><th>message</th><th>attempts</th><th></th></tr>
        {rows.map((f) => (
          <tr>
            <td><a href={`/admin/orders/${encodeURIComponent(f.orderKey)}`}>{f.orderKey}</a></td>
            <td>{f.destinationConnectionId}</td><td><Status value={f.kind} /></td><td>{f.vendorCode ?? ""}</td>
            <td>{f.message}{f.body ? <pre>{f.body}</pre> : null}</td><td class="num">{f.attempts}</td>
            <td><form class="inline" method="post" action={`/admin/failures/${f.id}/retry`}><button>Retry</button></form></td>
          </tr>
        ))}
      </table>
      {rows.length === 0 ? <p>No open failures.</p> : null}
    </Layout>,
  );
});

admin.post("/failures/:id/retry", async (c) => {
  await retryFailure(c.env, Number(c.req.param("id")));
  return c.redirect("/admin/failures");
});

admin.get("/quarantine", async (c) => {
  const rows = await data.listQuarantine(c.env);
  return c.html(
    <Layout title="Quarantine">
      <p>Verified payloads that could not be turned into orders. They were acknowledged to the vendor and are kept here.</p>
      <table>
        <tr><th>received</th><th>connection</th><th>topic</th><th>reason</th><th>payload</th></tr>
        {rows.map((q) => (
          <tr>
            <td>{q.receivedAt}</td><td>{q.connectionId}</td><td>{q.topic ?? ""}</td><td>{q.reason}</td>
            <td><pre>{q.raw.slice(0, 2000)}</pre></td>
          </tr>
        ))}
      </table>
      {rows.length === 0 ? <p>Nothing in quarantine.</p> : null}
    </Layout>,
  );
});

admin.get("/runs", async (c) => {
  const runs = await recentRuns(c.env, 50);
  return c.html(
    <Layout title="Reconciliation runs">
      <form method="post" action="/admin/runs"><button>Run reconciliation now</button></form>
      <RunsTable runs={runs} />
    </Layout>,
  );
});
admin.post("/runs", async (c) => {
  await reconcile(c.env);
  return c.redirect("/admin/runs");
});

admin.get("/connections", async (c) => {
  const rows = await withBudgets(c.env);
  return c.html(
    <Layout title="Connections">
      <table>
        <tr><th>id</th><th>platform</th><th>role</th><th>routes to</th><th>base URL</th><th>budget</th><th>settings</th></tr>
        {rows.map((r) => (
          <tr>
            <td>{r.id}</td><td>{r.slug}</td><td>{r.role}</td><td>{r.routesTo.join(", ")}</td><td>{r.baseUrl ?? "vendor default"}</td>
            <td>{r.budget ? `${r.budget.usedLastMinute}/min · ${r.budget.perDay ? `${r.budget.usedToday} used, ${Math.max(0, r.budget.perDay - r.budget.usedToday)} of ${r.budget.perDay} left today · ` : ""}${r.budget.inFlight}/${r.budget.concurrency} in flight` : ""}</td>
            <td><a href={`/admin/connections/${encodeURIComponent(r.id)}/profile`}>{r.role === "destination" ? "Edit posting profile" : "Edit settings"}</a></td>
          </tr>
        ))}
      </table>
      <p>Credentials are stored encrypted and are never shown.</p>
    </Layout>,
  );
});

/** The settings form of a connection: GET shows the stored config, POST saves it (303 back) or shows the issues (400). */
admin.get("/connections/:id/profile", async (c) => {
  const page = await profilePage(c.env, c.req.param("id"));
  if (!page) return c.html(<Layout title="Connection not found"><p>No connection {c.req.param("id")}.</p></Layout>, 404);
  const { view } = page;
  const values = encode(view.form, view.conn.config);
  return c.html(<ProfilePage {...view} values={values} json={JSON.stringify(view.conn.config, null, 2)} issues={[]} saved={c.req.query("saved") !== undefined} />);
});
admin.post("/connections/:id/profile", async (c) => {
  const id = c.req.param("id");
  const page = await profilePage(c.env, id);
  if (!page) return c.html(<Layout title="Connection not found"><p>No connection {id}.</p></Layout>, 404);
  const { view, schema } = page;
  const post = readPost(view.form, view.conn.config, await c.req.parseBody({ all: true }));
  let issues: Issue[] = post.issues;
  if (issues.length > 0) {
    // The table rows that could not be read are left out; what was read is checked too, so every issue shows at once.
    const checked = schema.safeParse(post.config);
    if (!checked.success) issues = [...issues, ...checked.error.issues];
  } else {
    const { conn } = view;
    const saved = await store(c.env, { id, slug: conn.slug, name: conn.name, baseUrl: conn.baseUrl, enabled: conn.enabled, config: post.config });
    if (saved.ok) return c.redirect(`/admin/connections/${encodeURIComponent(id)}/profile?saved`, 303);
    issues = saved.issues.length > 0 ? saved.issues : [{ path: [], message: saved.message }];
  }
  return c.html(<ProfilePage {...view} values={post.values} json={post.json} issues={issues} saved={false} />, 400);
});

async function profilePage(env: Env, id: string) {
  const conn = await data.connectionById(env, id);
  const connector = conn ? CONNECTORS[conn.slug] : undefined;
  if (!conn || !connector) return null;
  return {
    schema: connector.configSchema,
    view: { conn, platform: connector.displayName, form: buildForm(connector.configSchema), profileKeys: Object.keys(PostingProfile.shape) },
  };
}

/**
 * The one way the admin saves a connection (the JSON API and the settings form): validated against the connector's
 * schema and stored by saveConnection, which drops the connection from this isolate's cache.
 */
async function store(env: Env, input: ConnectionInput): Promise<{ ok: true } | { ok: false; message: string; issues: Issue[] }> {
  try {
    await saveConnection(env, input);
    // The save cleared this isolate's cache; the destination's ConnectionActor (where its syncs run, possibly in
    // another isolate) drops its copy too, so the next sync uses the new profile at once.
    if (CONNECTORS[input.slug]?.kind === "destination") await env.CONNECTION_ACTOR.getByName(input.id).forgetConnection(input.id);
    return { ok: true };
  } catch (err) {
    if (err instanceof z.ZodError) return { ok: false, message: z.prettifyError(err), issues: err.issues };
    return { ok: false, message: (err as Error).message, issues: [] };
  }
}

function RunsTable(props: { runs: Awaited<ReturnType<typeof recentRuns>> }) {
  return (
    <table>
      <tr><th>#</th><th>started</th><th>status</th><th>stats</th></tr>
      {props.runs.map((r) => (
        <tr><td>{r.id}</td><td>{r.startedAt}</td><td><Status value={r.status} /></td><td><code>{r.stats}</code></td></tr>
      ))}
    </table>
  );
}

async function withBudgets(env: Env) {
  const rows = await data.listConnections(env);
  return Promise.all(
    rows.map(async (r) => ({ ...r, budget: r.role === "destination" ? await env.CONNECTION_ACTOR.getByName(r.id).budgetStatus(r.id) : null })),
  );
}

async function retryFailure(env: Env, id: number): Promise<{ retried: boolean; reason?: string }> {
  const f = await data.failureById(env, id);
  if (!f) return { retried: false, reason: "no such failure" };
  if (f.orderKey.startsWith("poison:")) return { retried: false, reason: "an unreadable message cannot be retried" };
  const destinations = f.destinationConnectionId === "-" ? await destinationsOf(env, f.orderKey.split(":")[0]!) : [f.destinationConnectionId];
  await data.markRetrying(env, id);
  const sent = await env.ORDER_ACTOR.getByName(f.orderKey).resync(destinations);
  return { retried: sent > 0 };
}
