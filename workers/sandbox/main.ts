// Sandbox entry: routes /<slug>/… (vendor API) and /_inspect|_seed|_faults|_webhooks/<slug> to that vendor's simulator.
import { Hono } from "hono";
import type { SandboxEnv } from "./kit";
import { SIMULATORS } from "./registry";

export { SimulatorState } from "./state";

const app = new Hono<{ Bindings: SandboxEnv }>();

app.get("/", (c) =>
  c.json({
    name: "OrderMesh sandbox",
    simulators: Object.keys(SIMULATORS),
    endpoints: {
      inspect: "GET /_inspect/<slug>",
      seed: "POST /_seed/<slug>/orders",
      faults: "GET|POST /_faults/<slug>",
      webhooks: "GET /_webhooks/<slug>?after=<seq>",
      stats: "GET /_stats/<slug>",
      reset: "POST /_reset/<slug>",
      config: "GET|POST /_config/<slug> (webhook URL and secret, credentials the simulator accepts)",
      api: "/<slug>/<vendor path>",
    },
  }),
);

function forward(c: { req: { raw: Request }; env: SandboxEnv }, slug: string, path: string): Promise<Response> | Response {
  if (!SIMULATORS[slug]) return Response.json({ error: `unknown simulator "${slug}"`, simulators: Object.keys(SIMULATORS) }, { status: 404 });
  const url = new URL(c.req.raw.url);
  url.pathname = path;
  const req = new Request(url.toString(), c.req.raw);
  req.headers.set("x-sandbox-slug", slug);
  const stub = c.env.SIMULATOR.get(c.env.SIMULATOR.idFromName(slug));
  return stub.fetch(req);
}

for (const control of ["_inspect", "_faults", "_webhooks", "_stats", "_reset", "_config"]) {
  app.all(`/${control}/:slug`, (c) => forward(c, c.req.param("slug"), `/${control}`));
}
app.all("/_seed/:slug/*", (c) => {
  const slug = c.req.param("slug");
  const rest = new URL(c.req.url).pathname.slice(`/_seed/${slug}`.length);
  return forward(c, slug, `/_seed${rest}`);
});
app.all("/:slug/*", (c) => {
  const slug = c.req.param("slug");
  const rest = new URL(c.req.url).pathname.slice(`/${slug}`.length) || "/";
  return forward(c, slug, rest);
});

export default app;
