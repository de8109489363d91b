// Bare Hono worker: reads the body and answers 200 on the same route the mesh serves webhooks on.
import { Hono } from "hono";

const app = new Hono();
app.post("/webhooks/:source/:connectionId", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ status: "ok" });
});
app.get("/health", (c) => c.json({ ok: true }));

export default app;
