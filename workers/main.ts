// Mesh entry point: HTTP (ingest, admin), queue consumers (sync, notify, dead letters), cron, Durable Objects.
import { Hono } from "hono";
import { admin } from "./admin/admin";
import { ensureDemoRetailer } from "./demo";
import { handleDeadLetters, handleSyncBatch } from "./dispatch/consumer";
import { ingest } from "./ingest/ingest";
import { handleNotifyBatch } from "./notify/notify";
import { reconcile } from "./reconcile/reconcile";

export { OrderActor } from "./order-actor/order-actor";
export { ConnectionActor } from "./connection-actor/connection-actor";

const app = new Hono<{ Bindings: Env }>();

app.use("*", async (c, next) => {
  if (c.env.DEMO_RETAILER === "true") await ensureDemoRetailer(c.env);
  await next();
});
app.get("/", (c) => c.redirect("/admin"));
app.get("/health", (c) => c.json({ ok: true }));
app.route("/", ingest);
app.route("/admin", admin);

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith("-dlq")) return handleDeadLetters(batch, env);
    if (batch.queue.includes("notify")) return handleNotifyBatch(batch, env);
    return handleSyncBatch(batch, env);
  },
  async scheduled(_controller, env, ctx) {
    if (env.DEMO_RETAILER === "true") await ensureDemoRetailer(env);
    ctx.waitUntil(reconcile(env));
  },
} satisfies ExportedHandler<Env>;
