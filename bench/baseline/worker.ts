// The bench's baselines, same runtime and load generator as the mesh:
// - POST /webhooks/:source/:connectionId — a bare Hono route that reads the body and answers 200;
// - POST /reference/webhooks/:source/:connectionId — the reference route: verify the Shopify HMAC, then write
//   one row into the order's own Durable Object's SQLite (one object per order id, as the mesh's OrderActor). It is
//   the floor of what any design with a Durable Object per order pays per webhook on this runtime.
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { verifyHmac } from "../../shared/webhooks/signature";

interface Env {
  REFERENCE_ACTOR: DurableObjectNamespace<ReferenceActor>;
}

export class ReferenceActor extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, raw TEXT NOT NULL)`);
  }

  store(eventId: string, raw: string): number {
    this.ctx.storage.sql.exec(`INSERT INTO events (event_id, raw) VALUES (?, ?)`, eventId, raw);
    return 1;
  }
}

const SECRET = "bench-shopify-secret";

const app = new Hono<{ Bindings: Env }>();
app.post("/webhooks/:source/:connectionId", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ status: "ok" });
});
app.post("/reference/webhooks/:source/:connectionId", async (c) => {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  // The mesh's own HMAC check (shared/webhooks/signature.ts), as the Shopify connector calls it.
  if (!(await verifyHmac(SECRET, raw, c.req.header("x-shopify-hmac-sha256") ?? null, "base64"))) return c.json({ error: "invalid signature" }, 401);
  const text = new TextDecoder().decode(raw);
  const id = (JSON.parse(text) as { id?: unknown }).id;
  await c.env.REFERENCE_ACTOR.getByName(`${c.req.param("connectionId")}:${String(id)}`).store(c.req.header("x-shopify-event-id") ?? "", text);
  return c.json({ status: "ok" });
});
app.get("/health", (c) => c.json({ ok: true }));

export default app;
