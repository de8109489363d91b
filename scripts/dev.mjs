// `npm run dev`: migrates local D1, starts the sandbox (:8788) and the mesh (:8787, demo retailer, --test-scheduled).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const persist = path.join(root, ".wrangler/state");
// The sandbox keeps its own local state: two runtimes opening one persist directory's SQLite files at once can fail
// to start (SQLITE_BUSY).
const sandboxPersist = path.join(root, ".wrangler/sandbox-state");
const wrangler = path.join(root, "node_modules/.bin/wrangler");
const MESH_PORT = process.env.MESH_PORT ?? "8787";
const SANDBOX_PORT = process.env.SANDBOX_PORT ?? "8788";

if (!existsSync(path.join(root, ".dev.vars"))) {
  copyFileSync(path.join(root, ".dev.vars.example"), path.join(root, ".dev.vars"));
  console.log("created .dev.vars from .dev.vars.example (local secrets)");
}

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) {
  console.error("local D1 migration failed");
  process.exit(1);
}

const children = [];
function start(name, args, color) {
  const child = spawn(wrangler, args, { cwd: root, detached: true, env: { ...process.env, FORCE_COLOR: "0" } });
  const prefix = `\x1b[${color}m[${name}]\x1b[0m `;
  const pipe = (stream, out) => {
    let buf = "";
    stream.on("data", (d) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop();
      for (const l of lines) out.write(prefix + l + "\n");
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  child.on("exit", (code) => {
    console.log(`${prefix}exited with ${code}`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {}
  }
  setTimeout(() => process.exit(code), 500);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

start("sandbox", ["dev", "-c", "workers/sandbox/wrangler.toml", "--port", SANDBOX_PORT, "--inspector-port", "9230", "--persist-to", sandboxPersist, "--var", `MESH_URL:http://localhost:${MESH_PORT}`], "35");
start("mesh", ["dev", "--port", MESH_PORT, "--inspector-port", "9229", "--persist-to", persist, "--test-scheduled", "--var", "DEMO_RETAILER:true", "--var", `NOTIFY_WEBHOOK_URL:${process.env.NOTIFY_WEBHOOK_URL ?? `http://localhost:${SANDBOX_PORT}/notify-gateway/messages`}`], "36");

async function waitFor(url) {
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

const [meshUp, sandboxUp] = await Promise.all([waitFor(`http://localhost:${MESH_PORT}/health`), waitFor(`http://localhost:${SANDBOX_PORT}/`)]);
if (meshUp && sandboxUp) {
  console.log(`
  OrderMesh is running with the demo retailer.
    mesh     http://localhost:${MESH_PORT}        webhooks: POST /webhooks/<slug>/demo-<slug>
    admin    http://localhost:${MESH_PORT}/admin  token: dev-admin-token (ADMIN_TOKEN in .dev.vars)
    cron     http://localhost:${MESH_PORT}/__scheduled   (polling, sweeps, reconciliation)
    sandbox  http://localhost:${SANDBOX_PORT}        GET /_inspect/quickbooks-online, POST /_seed/<slug>/orders
  Press Ctrl+C to stop both.
`);
} else {
  console.error("the dev servers did not come up; see the log above");
}
