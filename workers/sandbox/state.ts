// SimulatorState: one Durable Object per simulated vendor; owns its records, faults, limits and webhook outbox.
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { seededRandom, type Faults, type SandboxEnv, type SimContext, type Simulator, type WebhookDelivery } from "./kit";
import { SIMULATORS } from "./registry";

/** Top-level fields the simulators look records up by; each has an index (see SimStore.matching). */
const INDEXED_FIELDS = ["DocNumber", "InvoiceNumber", "CreditNoteNumber"];

/** A record's top-level field as text, the same expression in the index and the query (so SQLite uses the index). */
function fieldText(field: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field)) throw new Error(`not a plain field name: ${field}`);
  return `CAST(json_extract(body, '$.${field}') AS TEXT)`;
}

/** The records a `SELECT body …` found, parsed. */
function bodies<T>(rows: SqlStorageCursor<Record<string, SqlStorageValue>>): T[] {
  return rows.toArray().map((r) => JSON.parse(String(r.body)) as T);
}

export class SimulatorState extends DurableObject<SandboxEnv> {
  private app: Hono | null = null;
  private sim: SimContext | null = null;
  private simulator: Simulator | null = null;
  private windows = new Map<string, number[]>();
  private slots = new Map<string, number>();
  private rng: () => number = seededRandom(1);
  private flushing = false;

  constructor(ctx: DurableObjectState, env: SandboxEnv) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS docs (collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (collection, id))`);
    for (const field of INDEXED_FIELDS) sql.exec(`CREATE INDEX IF NOT EXISTS docs_by_${field} ON docs (collection, ${fieldText(field)})`);
    sql.exec(`CREATE TABLE IF NOT EXISTS seqs (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, method TEXT NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, response_status INTEGER, created_at TEXT NOT NULL)`);
  }

  override async fetch(request: Request): Promise<Response> {
    const slug = request.headers.get("x-sandbox-slug") ?? "";
    const app = this.ensure(slug);
    if (!app) return Response.json({ error: `no simulator for "${slug}"` }, { status: 404 });
    const res = await app.fetch(request, this.env);
    this.scheduleFlush();
    return res;
  }

  private ensure(slug: string): Hono | null {
    if (this.app) return this.app;
    const simulator = SIMULATORS[slug];
    if (!simulator) return null;
    this.simulator = simulator;
    this.sim = this.context(slug);
    this.rng = seededRandom(this.sim.faults().seed ?? 1);
    const app = new Hono();
    const sim = this.sim;
    app.get("/_inspect", (c) => c.json({ documents: simulator.inspect ? simulator.inspect(sim) : [] }));
    app.post("/_seed/orders", async (c) => {
      if (!simulator.seedOrder) return c.json({ error: `${slug} is not a source simulator` }, 404);
      let record: unknown;
      try {
        record = await c.req.json();
      } catch {
        return c.json({ error: "body must be one vendor-native order record as JSON" }, 400);
      }
      const result = await simulator.seedOrder(sim, record, c);
      return c.json(result ?? { ok: true }, 201);
    });
    app.get("/_faults", (c) => c.json(sim.faults()));
    app.post("/_faults", async (c) => {
      const f = (await c.req.json().catch(() => ({}))) as Faults;
      sim.setFaults(f);
      if (f.seed !== undefined) this.rng = seededRandom(f.seed);
      return c.json(sim.faults());
    });
    app.get("/_webhooks", (c) => {
      const after = Number(c.req.query("after") ?? 0);
      const rows = sql(this.ctx).exec(`SELECT * FROM deliveries WHERE seq > ? ORDER BY seq`, after).toArray();
      return c.json({ deliveries: rows.map(toDelivery) });
    });
    app.get("/_stats", (c) => c.json(sim.store.getSetting("stats", {})));
    app.get("/_config", (c) => c.json(sim.config()));
    app.post("/_config", async (c) => {
      const patch = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
      sim.store.setSetting("config", { ...sim.config(), ...patch });
      return c.json(sim.config());
    });
    app.post("/_reset", (c) => {
      for (const t of ["docs", "seqs", "settings", "deliveries"]) sql(this.ctx).exec(`DELETE FROM ${t}`);
      this.windows.clear();
      this.slots.clear();
      return c.json({ ok: true });
    });
    const api = new Hono();
    api.use("*", async (c, next) => {
      // Control routes a simulator adds under /_sim/… are never faulted.
      const url = new URL(c.req.url);
      if (url.pathname.startsWith("/_")) return next();
      const f = sim.faults();
      sim.bump("requests");
      if (f.match && !(url.pathname + url.search + (simulator.faultScope ? `\n${await simulator.faultScope(c, sim)}` : "")).includes(f.match)) return next();
      // Drain the body before answering a fault: workerd objects to a response sent before the request was read.
      const drain = () => c.req.raw.arrayBuffer().catch(() => undefined);
      const fault = (kind: "server" | "rate" | "timeout", retryAfter: number): Response =>
        simulator.faultResponse?.(kind, sim, retryAfter) ??
        (kind === "rate"
          ? new Response(JSON.stringify({ error: "rate limited" }), { status: 429, headers: { "retry-after": String(retryAfter), "content-type": "application/json" } })
          : new Response(JSON.stringify({ error: kind === "server" ? "internal error" : "gateway timeout" }), { status: kind === "server" ? 500 : 504, headers: { "content-type": "application/json" } }));
      if ((f.rateLimited ?? 0) > 0) {
        sim.setFaults({ ...f, rateLimited: f.rateLimited! - 1 });
        sim.bump("throttled");
        await drain();
        return fault("rate", f.retryAfterSeconds ?? 1);
      }
      if ((f.serverErrors ?? 0) > 0) {
        sim.setFaults({ ...f, serverErrors: f.serverErrors! - 1 });
        sim.bump("server_errors");
        await drain();
        return fault("server", 0);
      }
      if ((f.timeouts ?? 0) > 0) {
        sim.setFaults({ ...f, timeouts: f.timeouts! - 1 });
        await drain();
        await new Promise((r) => setTimeout(r, f.timeoutDelayMs ?? 200));
        return fault("timeout", 0);
      }
      await next();
    });
    simulator.routes(api, sim);
    app.route("/", api);
    this.app = app;
    return app;
  }

  private context(slug: string): SimContext {
    const ctx = this.ctx;
    const self = this;
    const store: SimContext["store"] = {
      get(collection, id) {
        const row = sql(ctx).exec(`SELECT body FROM docs WHERE collection = ? AND id = ?`, collection, id).toArray()[0];
        return row ? JSON.parse(String(row.body)) : null;
      },
      put(collection, id, value) {
        const existing = sql(ctx).exec(`SELECT seq FROM docs WHERE collection = ? AND id = ?`, collection, id).toArray()[0];
        const seq = existing ? Number(existing.seq) : store.next("__docs");
        sql(ctx).exec(`INSERT OR REPLACE INTO docs (collection, id, body, seq) VALUES (?, ?, ?, ?)`, collection, id, JSON.stringify(value), seq);
      },
      delete(collection, id) {
        sql(ctx).exec(`DELETE FROM docs WHERE collection = ? AND id = ?`, collection, id);
      },
      list(collection, idPrefix) {
        return idPrefix === undefined
          ? bodies(sql(ctx).exec(`SELECT body FROM docs WHERE collection = ? ORDER BY seq`, collection))
          : bodies(sql(ctx).exec(`SELECT body FROM docs WHERE collection = ? AND id >= ? AND id < ? ORDER BY seq`, collection, idPrefix, `${idPrefix}\uffff`));
      },
      matching(collection, field, values) {
        if (values.length === 0) return [];
        const marks = values.map(() => "?").join(", ");
        return bodies(sql(ctx).exec(`SELECT body FROM docs WHERE collection = ? AND ${fieldText(field)} IN (${marks}) ORDER BY seq`, collection, ...values));
      },
      count(collection) {
        return Number(sql(ctx).exec(`SELECT count(*) AS n FROM docs WHERE collection = ?`, collection).one().n);
      },
      next(sequence, start = 1) {
        const row = sql(ctx).exec(`INSERT INTO seqs (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`, sequence, start).one();
        return Number(row.value);
      },
      getSetting(key, fallback) {
        const row = sql(ctx).exec(`SELECT value FROM settings WHERE key = ?`, key).toArray()[0];
        return row ? JSON.parse(String(row.value)) : fallback;
      },
      setSetting(key, value) {
        sql(ctx).exec(`INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`, key, JSON.stringify(value));
      },
    };
    const bump = (counter: string, by = 1): void => {
      const stats = store.getSetting<Record<string, number>>("stats", {});
      stats[counter] = (stats[counter] ?? 0) + by;
      store.setSetting("stats", stats);
    };
    const sandboxUrl = (this.env.SANDBOX_URL || "http://localhost:8788").replace(/\/+$/, "");
    return {
      slug,
      store,
      env: this.env,
      baseUrl: `${sandboxUrl}/${slug}`,
      faults: () => store.getSetting<Faults>("faults", {}),
      config: () => store.getSetting<Record<string, unknown>>("config", {}),
      setFaults: (f) => store.setSetting("faults", f),
      random: () => self.rng(),
      now: () => new Date(),
      emitWebhook(d) {
        const f = store.getSetting<Faults>("faults", {});
        const createdAt = new Date().toISOString();
        const insert = (status: string) =>
          sql(ctx).exec(
            `INSERT INTO deliveries (url, method, headers, body, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
            d.url, d.method ?? "POST", JSON.stringify(d.headers), d.body, status, createdAt,
          );
        const inScope = !f.match || d.url.includes(f.match) || d.body.includes(f.match);
        if (inScope && f.dropWebhooks && self.rng() < f.dropWebhooks) {
          insert("dropped");
          bump("webhooks_dropped");
          return;
        }
        const copies = inScope && f.duplicateWebhooks && self.rng() < f.duplicateWebhooks ? 2 : 1;
        if (copies === 2) bump("webhooks_duplicated");
        const held = sql(ctx).exec(`SELECT seq FROM deliveries WHERE status = 'held' ORDER BY seq`).toArray();
        for (let i = 0; i < copies; i++) insert(inScope && f.reorderWebhooks && held.length === 0 && i === 0 ? "held" : "pending");
        // A held delivery goes out after the one that followed it: reordered.
        if (held.length > 0) {
          for (const h of held) {
            const row = sql(ctx).exec(`SELECT * FROM deliveries WHERE seq = ?`, h.seq).one();
            sql(ctx).exec(`DELETE FROM deliveries WHERE seq = ?`, h.seq);
            sql(ctx).exec(
              `INSERT INTO deliveries (url, method, headers, body, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)`,
              row.url, row.method, row.headers, row.body, row.created_at,
            );
          }
        }
      },
      rateLimit(key, limit, windowSeconds) {
        const scale = store.getSetting<Faults>("faults", {}).timeScale ?? 1;
        const windowMs = (windowSeconds * 1000) / scale;
        const nowMs = Date.now();
        const hits = (self.windows.get(key) ?? []).filter((t) => t > nowMs - windowMs);
        self.windows.set(key, hits);
        if (hits.length >= limit) {
          const waitMs = hits[0]! + windowMs - nowMs;
          return Math.max(1, Math.ceil((waitMs * scale) / 1000));
        }
        hits.push(nowMs);
        return 0;
      },
      acquireSlot(key, max) {
        const n = self.slots.get(key) ?? 0;
        if (n >= max) return false;
        self.slots.set(key, n + 1);
        return true;
      },
      releaseSlot(key) {
        self.slots.set(key, Math.max(0, (self.slots.get(key) ?? 1) - 1));
      },
      bump,
    };
  }

  /** Pushes pending webhooks to the mesh in order (when MESH_URL is set); failures stay "failed" for inspection. */
  private scheduleFlush(): void {
    if (!this.env.MESH_URL || this.flushing) return;
    this.flushing = true;
    this.ctx.waitUntil(
      (async () => {
        try {
          for (;;) {
            const rows = sql(this.ctx).exec(`SELECT * FROM deliveries WHERE status = 'pending' ORDER BY seq LIMIT 20`).toArray();
            if (rows.length === 0) break;
            for (const row of rows) {
              const d = toDelivery(row);
              let status = "failed";
              let code: number | null = null;
              try {
                const res = await fetch(d.url, { method: d.method, headers: d.headers, body: d.body });
                code = res.status;
                await res.arrayBuffer();
                status = res.ok ? "delivered" : "failed";
              } catch {
                status = "failed";
              }
              sql(this.ctx).exec(`UPDATE deliveries SET status = ?, response_status = ? WHERE seq = ?`, status, code, d.seq);
            }
          }
        } finally {
          this.flushing = false;
        }
      })(),
    );
  }
}

function sql(ctx: DurableObjectState): SqlStorage {
  return ctx.storage.sql;
}

function toDelivery(row: Record<string, SqlStorageValue>): WebhookDelivery {
  return {
    seq: Number(row.seq),
    url: String(row.url),
    method: String(row.method),
    headers: JSON.parse(String(row.headers)) as Record<string, string>,
    body: String(row.body),
    status: String(row.status),
    responseStatus: row.response_status == null ? undefined : Number(row.response_status),
    createdAt: String(row.created_at),
  };
}
