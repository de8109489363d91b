/** @jsxImportSource hono/jsx */
// The admin page and its JSON API: orders with timelines, failures with retry, quarantine, runs, connections.
import { Hono } from "hono";
import { z } from "zod";
import { addRoute, destinationsOf, loadConnection, saveConnection, type ConnectionInput } from "../connections";
import { CONNECTORS } from "../connectors/registry";
import { reconcile, recentRuns } from "../reconcile/reconcile";
import { requireAdmin, setSession, tokenMatches } from "./auth";
import * as data from "./data";
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
admin.get("/api/connectors", (c) =>
  c.json({
    connectors: Object.values(CONNECTORS).map((k) => ({
      slug: k.slug, kind: k.kind, displayName: k.displayName, docsUrl: k.docsUrl, apiVersion: k.apiVersion,
      rateLimit: k.rateLimit, capabilities: k.capabilities, credentialKeys: k.credentialKeys,
    })),
  }),
);
admin.post("/api/reconcile", async (c) => c.json(await reconcile(c.env)));
/** Creates or replaces a connection; credentials are sealed and never returned. */
admin.put("/api/connections/:id", async (c) => {
  const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
  if (!body) return c.json({ error: "body must be JSON" }, 400);
  try {
    await saveConnection(c.env, { ...(body as object), id: c.req.param("id") } as ConnectionInput);
  } catch (err) {
    return c.json({ error: err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message }, 400);
  }
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
        <tr><th>id</th><th>platform</th><th>role</th><th>routes to</th><th>base URL</th><th>budget</th></tr>
        {rows.map((r) => (
          <tr>
            <td>{r.id}</td><td>{r.slug}</td><td>{r.role}</td><td>{r.routesTo.join(", ")}</td><td>{r.baseUrl ?? "vendor default"}</td>
            <td>{r.budget ? `${r.budget.usedLastMinute}/min · ${r.budget.perDay ? `${r.budget.usedToday} used, ${Math.max(0, r.budget.perDay - r.budget.usedToday)} of ${r.budget.perDay} left today · ` : ""}${r.budget.inFlight}/${r.budget.concurrency} in flight` : ""}</td>
          </tr>
        ))}
      </table>
      <p>Credentials are stored encrypted and are never shown.</p>
    </Layout>,
  );
});

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
