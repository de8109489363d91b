// A seeded, replayable fault simulation of a retailer with three sources and three destinations: orders placed at
// several store locations move through their lifecycle and move stock, while deliveries are duplicated, reordered and
// dropped, sweeps overlap and fail, destinations answer 5xx, time out, throttle and reject tokens, and the harness
// crashes the mesh at the points of DESIGN §6. At the end every (source order, destination) pair is checked against
// the source platform's own record, every stock level against the platform's, and counted.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { TokenSet } from "../../shared/connector/contract";
import { toMinor } from "../../shared/model/money";
import { addRoute, saveConnection } from "../../workers/connections";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import type { OrderActor } from "../../workers/order-actor/order-actor";
import { orderKeyOf } from "../../workers/order-actor/messages";
import { findDiscrepancies, reconcile } from "../../workers/reconcile/reconcile";
import { seededRandom, type Faults } from "../../workers/sandbox/kit";
import { post, sandbox, SANDBOX, type Delivery, type InspectDoc } from "../helpers/mesh";
import { businessCentralLedger, quickbooksLedger, xeroLedger, type Ledger } from "../helpers/sim-ledgers";
import { lightspeedDriver, shopifyDriver, woocommerceDriver, type Rnd, type SimOrder, type SourceDriver, type StockChange, type Truth } from "../helpers/sim-sources";

export interface SimulationOptions {
  seed: number;
  /** Traffic steps; each is `actionsPerStep` platform actions, then perhaps a vendor fault, a crash, deliveries and sweeps. */
  steps: number;
  /** Platform actions per step (1 unless said): a long run takes many orders per step, so faults and sweeps stay per step. */
  actionsPerStep?: number;
  /** Orders created at most, per source slug. */
  orders: Record<string, number>;
  /** Least milliseconds per step (`npm run simulate` spreads its steps over the minutes asked for); 0 runs flat out. */
  paceMs?: number;
  /**
   * Scales each step's chance of a sweep (1 unless said). Each sweep re-reads the sources' five-minute overlap, so a run
   * of many orders per step sweeps less often per step, as the cron sweeps once a minute whatever the traffic.
   */
  sweepRate?: number;
  /**
   * The run's Xero tenant runs this many vendor minutes per real minute (the simulator's per-tenant limits.timeScale,
   * mirrored by the connection's simulatorTimeScale): Xero's 60 calls a minute would otherwise pace a long run.
   */
  xeroTimeScale?: 1 | 2 | 3 | 4 | 5 | 6 | 10 | 12 | 15 | 20 | 30 | 60;
  /** How long the settle phase may take before the run fails as not settled (90 s, or 4 s an order, unless said). */
  settleBudgetMs?: number;
}

export interface SimulationReport {
  seed: number;
  orders: number;
  events: number;
  duplicates: number;
  reordered: number;
  drops: number;
  crashes: number;
  /**
   * Vendor faults the seed called for (5xx, timeouts, 429 storms, rejected tokens, failed sweeps). In `npm test` a
   * simulator's fault setting may belong to another test file at that moment; the fault is then skipped.
   */
  faults: number;
  documents: number;
  duplicateDocuments: number;
  /** Documents a destination lacks: an order's main document or one refund's credit document. */
  missing: number;
  centDrift: number;
  /** Documents whose state contradicts the source (a cancelled order's document still live, a live one voided). */
  statusMismatch: number;
  /** Cancelled, never refunded orders a destination still books (see Verdict.stillBooked). */
  stillBooked: number;
  /** Store locations the run's orders were placed at (all sources). */
  locations: number;
  /** Documents of a destination that maps locations whose location is not the one mapped from the order's. */
  locationMismatch: number;
  /** Stock changes the platforms made to the run's levels (each one webhook, before faults). */
  stockMoves: number;
  /** Stock levels where the mesh disagrees with the platform at the end (must be 0). */
  stockDrift: number;
  /**
   * Stock levels whose last webhook was dropped (or never sent) and which the mesh holds right anyway: the stock
   * sweep brought them (before the sweep existed these stayed at the last level the mesh was sent).
   */
  stockSwept: number;
  /** Sweeps the traffic phase ran (the settle phase sweeps every source on top). */
  sweeps: number;
  ordersBySource: Record<string, number>;
  documentsByDestination: Record<string, number>;
  trafficSeconds: number;
  settleSeconds: number;
  /** Seconds into the settle phase when the reconciliation first found nothing missing or different for the run's orders. */
  reconciledSeconds: number | null;
  problems: string[];
}

/**
 * Which destinations each source feeds: QuickBooks all three sources; Xero the web shop and Shopify (so it books orders
 * of every kind of location: stores, the warehouse, none), Business Central Shopify and Lightspeed's shops. Xero's 60
 * requests a minute per tenant is the tightest budget by far: its tenant runs on a shorter minute (see xeroTimeScale).
 */
export const ROUTES: Record<string, string[]> = {
  shopify: ["quickbooks-online", "xero", "dynamics-365-business-central"],
  woocommerce: ["quickbooks-online", "xero"],
  "lightspeed-retail": ["quickbooks-online", "dynamics-365-business-central"],
};

/** Chances per delivery (webhook sources) and per step. */
const DROP = 0.1;
const HOLD = 0.08;
const DUPLICATE = 0.2;
const VENDOR_FAULT = 0.15;
const REVOKED_TOKEN = 0.06;
const LOST_LINK = 0.12;
const LOST_SEND = 0.1;
const SWEEP_POLLED = 0.35;
const SWEEP_WEBHOOK_SOURCE = 0.08;
/** Chance that an action of a source whose platform keeps stock is a count or a receipt instead of an order's. */
const STOCK_MOVE = 0.1;

const per = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k}:${v}`).join(",");

/**
 * The run's counts, one line: what the seed decided (orders, actions, faults, crashes, sweeps, stock moves) and the
 * invariant counts, so the same seed prints the same line.
 */
export function formatReport(r: SimulationReport): string {
  return (
    `simulate: seed=${r.seed} orders=${r.orders} events_sent=${r.events} duplicates_injected=${r.duplicates} reordered=${r.reordered} ` +
    `drops_injected=${r.drops} crashes_injected=${r.crashes} vendor_faults=${r.faults} ` +
    `duplicate_documents=${r.duplicateDocuments} orders_missing=${r.missing} cent_drift=${r.centDrift} status_mismatch=${r.statusMismatch} ` +
    `cancelled_still_booked=${r.stillBooked} locations=${r.locations} location_mismatch=${r.locationMismatch} ` +
    `stock_moves=${r.stockMoves} stock_drift=${r.stockDrift} stock_recovered_by_sweep=${r.stockSwept} ` +
    `sweeps=${r.sweeps} orders_by_source=${per(r.ordersBySource)}`
  );
}

/**
 * What depends on timing, on a line of its own: the seconds each phase took, and the documents the destinations hold
 * (an order cancelled before a destination saw it live leaves no document there; seen live, it leaves a voided or
 * cancelled one).
 */
export function formatTiming(r: SimulationReport): string {
  return (
    `simulate timing: seed=${r.seed} documents_created=${r.documents} documents_by_destination=${per(r.documentsByDestination)} ` +
    `traffic_s=${r.trafficSeconds} settle_s=${r.settleSeconds} reconciled_after_s=${r.reconciledSeconds ?? "never"}`
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ending an order (cancel, void), refunds and edits are rarer than moving it on, so most orders live through their
 * lifecycle and few are refunded more than once.
 */
const WEIGHT: Record<string, number> = { cancel: 0.35, void: 0.35, update: 0.5, refund: 0.5, return: 0.5 };

function weighted(rnd: Rnd, actions: string[]): string {
  const total = actions.reduce((n, a) => n + (WEIGHT[a] ?? 1), 0);
  let x = rnd() * total;
  for (const a of actions) {
    x -= WEIGHT[a] ?? 1;
    if (x < 0) return a;
  }
  return actions.at(-1)!;
}

export async function simulate(opts: SimulationOptions): Promise<SimulationReport> {
  const rnd: Rnd = seededRandom(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const run = { seed: opts.seed, prefix: `sim-${opts.seed}` };
  const sources = [shopifyDriver(run), woocommerceDriver(run), lightspeedDriver(run)];
  const ledgers = [quickbooksLedger(run), xeroLedger(run), businessCentralLedger(run)];
  const ledgerOf = new Map(ledgers.map((l) => [l.slug, l]));
  const report: SimulationReport = {
    seed: opts.seed, orders: 0, events: 0, duplicates: 0, reordered: 0, drops: 0, crashes: 0, faults: 0, documents: 0,
    duplicateDocuments: 0, missing: 0, centDrift: 0, statusMismatch: 0, stillBooked: 0, sweeps: 0,
    locations: 0, locationMismatch: 0, stockMoves: 0, stockDrift: 0, stockSwept: 0,
    ordersBySource: Object.fromEntries(sources.map((s) => [s.slug, 0])),
    documentsByDestination: Object.fromEntries(ledgers.map((l) => [l.slug, 0])),
    trafficSeconds: 0, settleSeconds: 0, reconciledSeconds: null, problems: [],
  };
  const orders = new Map<SourceDriver, SimOrder[]>(sources.map((s) => [s, []]));
  const ids = new Map<SourceDriver, Set<string>>(sources.map((s) => [s, new Set()]));
  const keyOf = (s: SourceDriver, o: SimOrder) => orderKeyOf(s.connectionId, o.id);
  const held = new Map<SourceDriver, Delivery>();
  const problem = (what: string) => (err: Error) => {
    report.problems.push(`${what}: ${err.message}`);
  };
  /** Every stock change of the run's levels, per level, and whether its webhook was sent (at least once) or dropped. */
  const stockSent = new Map<string, Array<StockChange & { sent: boolean }>>();

  // Each location of any source → the value a location-mapping destination books it under (QuickBooks: Class 100, Xero:
  // option 100 of its Location tracking category, …).
  const locationValues = Object.fromEntries(sources.flatMap((s) => s.locations).map((loc, i) => [loc, String(100 + i)]));
  await setup(sources, ledgers, locationValues, opts.xeroTimeScale ?? 1);
  const startedAt = Date.now();
  for (const s of sources) await s.start(startedAt);

  async function deliver(d: Delivery): Promise<void> {
    report.events++;
    const res = await post(d);
    // 200 only: 202 means the mesh verified the delivery but could not read it (quarantined).
    const body = await res.text();
    if (res.status !== 200) report.problems.push(`delivery to ${new URL(d.url).pathname} answered ${res.status}: ${body}`);
  }

  /**
   * What each webhook source's new deliveries of this run's orders become: dropped, held back (reordered), duplicated;
   * a group goes out at once (vendors send in parallel), groups one after another. All seeded, decided before sending.
   */
  async function planDeliveries(): Promise<Delivery[][][]> {
    const plan: Delivery[][][] = [];
    for (const s of sources) {
      if (!s.deliveries) continue;
      const mine = ids.get(s)!;
      const groups: Delivery[][] = [];
      for (const d of await s.deliveries((id) => mine.has(id))) {
        const roll = rnd();
        const change = s.stock?.changeOf(d) ?? null;
        if (change) {
          report.stockMoves++;
          stockSent.set(change.key, [...(stockSent.get(change.key) ?? []), { ...change, sent: roll >= DROP }]);
        }
        if (roll < DROP) {
          report.drops++;
          continue;
        }
        if (roll < DROP + HOLD && !held.has(s)) {
          held.set(s, d);
          report.reordered++;
          continue;
        }
        // A held delivery goes out after the one that overtook it or together with it; a duplicate likewise.
        const late = held.get(s);
        held.delete(s);
        const together = rnd() < 0.5;
        const twice = rnd() < DUPLICATE;
        if (twice) report.duplicates++;
        const batch = [d, ...(late ? [late] : []), ...(twice ? [d] : [])];
        groups.push(...(together ? [batch] : batch.map((x) => [x])));
      }
      plan.push(groups);
    }
    return plan;
  }

  /** Sends a plan: each source's groups in order; the sources one after another or racing each other. */
  async function send(plan: Delivery[][][], race: boolean): Promise<void> {
    const one = async (groups: Delivery[][]) => {
      for (const g of groups) await Promise.all(g.map((d) => deliver(d)));
    };
    if (race) await Promise.all(plan.map(one));
    else for (const groups of plan) await one(groups);
  }

  /** The last error of each source's sweep, named when the run does not settle (an injected source fault fails a sweep; the cursor stays and the next one resumes). */
  const sweepErrors = new Map<string, string>();
  async function sweep(s: SourceDriver): Promise<void> {
    const stats = await s.sweep();
    if (stats.error) sweepErrors.set(s.slug, stats.error);
  }

  /** The cron's sweeps this step: polled sources often, webhook sources now and then (racing their webhooks). */
  function planSweeps(): Array<{ s: SourceDriver; rewind: boolean; fault: Faults | null; twice: boolean }> {
    const out = [];
    for (const s of sources) {
      if (rnd() >= (s.ingestion === "poll" ? SWEEP_POLLED : SWEEP_WEBHOOK_SOURCE) * (opts.sweepRate ?? 1)) continue;
      const rewind = rnd() < 0.15;
      const fault = s.faultMatch && rnd() < 0.15 ? pick<Faults>([{ serverErrors: 1 }, { rateLimited: 1, retryAfterSeconds: 1 }]) : null;
      const twice = rnd() < 0.25;
      out.push({ s, rewind, fault, twice });
      report.sweeps += twice ? 2 : 1;
      if (fault) report.faults++;
    }
    return out;
  }

  async function runSweeps(plan: ReturnType<typeof planSweeps>): Promise<void> {
    for (const { s, rewind, fault, twice } of plan) {
      if (rewind) await s.rewind();
      if (fault) await injectFault(s.slug, s.faultMatch!, fault);
      await sweep(s);
      if (twice) await sweep(s);
    }
  }

  /** One platform action: a stock count or receipt, a new order, or the next step of an order's lifecycle. */
  async function action(): Promise<void> {
    const s = pick(sources);
    if (s.stock && rnd() < STOCK_MOVE) {
      await s.stock.move(rnd).catch(problem(`${s.slug} stock move`));
      return;
    }
    const own = orders.get(s)!;
    const movable = own.filter((o) => s.actions(o).length > 0);
    const create = own.length < (opts.orders[s.slug] ?? 0) && (own.length === 0 || movable.length === 0 || rnd() < 0.3);
    if (create) {
      const k = own.length;
      const o = await s.create(k, rnd).catch(problem(`create ${s.slug} #${k}`));
      if (o) {
        own.push(o);
        ids.get(s)!.add(o.id);
        report.orders++;
        report.ordersBySource[s.slug]!++;
      }
    } else if (movable.length > 0) {
      const o = pick(movable);
      const act = weighted(rnd, s.actions(o));
      await s.act(o, act, rnd).catch(problem(`${s.slug} ${act} ${o.id}`));
    }
  }

  // ---------------------------------------------------------------- traffic
  for (let step = 0; step < opts.steps; step++) {
    const due = startedAt + step * (opts.paceMs ?? 0);
    if (Date.now() < due) await sleep(due - Date.now());
    for (let a = 0; a < (opts.actionsPerStep ?? 1); a++) await action();

    // Vendor faults on this run's tenants only: 5xx, timeouts, 429 storms; and an access token the vendor rejects.
    if (rnd() < VENDOR_FAULT) {
      const l = pick(ledgers);
      const f = pick<Faults>([{ serverErrors: 2 }, { rateLimited: 4, retryAfterSeconds: 1 }, { timeouts: 1, timeoutDelayMs: 100 }]);
      report.faults++;
      await injectFault(l.slug, l.faultMatch, f);
    }
    if (rnd() < REVOKED_TOKEN) {
      report.faults++;
      await revokeToken(pick(ledgers).connectionId);
    }

    // Crash between the vendor's 2xx and the link write: the link is lost. The queue redelivers the message (half
    // the time), or nothing does and the next change or the cron's reconciliation must adopt the document.
    if (rnd() < LOST_LINK) {
      const src = pick(sources);
      const own2 = orders.get(src)!;
      const o = own2.length > 0 ? pick(own2) : null;
      const r = rnd();
      const redelivered = rnd() < 0.5;
      if (o) {
        const key = keyOf(src, o);
        const links = (await env.DB.prepare(`SELECT destination_connection_id AS d, doc_key AS k FROM links WHERE order_key = ? ORDER BY destination_connection_id, doc_key`).bind(key).all<{ d: string; k: string }>()).results;
        const l = links[Math.floor(r * links.length)];
        // Before the first link there is nothing to lose: the crash still counts, it just finds no write to undo.
        report.crashes++;
        if (l) {
          await env.DB.prepare(`DELETE FROM links WHERE order_key = ? AND destination_connection_id = ? AND doc_key = ?`).bind(key, l.d, l.k).run();
          if (redelivered) await env.ORDER_ACTOR.getByName(key).resync([l.d]);
        }
      }
    }
    // Crash between the actor's write and the queue send: the outbox must send it later, when the alarm fires (at
    // once here half the time, else on its own schedule).
    if (rnd() < LOST_SEND) {
      const src = pick(sources);
      const own2 = orders.get(src)!;
      const o = own2.length > 0 ? pick(own2) : null;
      const alarmNow = rnd() < 0.5;
      if (o) {
        report.crashes++;
        const stub = env.ORDER_ACTOR.getByName(keyOf(src, o));
        await runInDurableObject(stub, async (instance: OrderActor) => {
          const holder = instance as unknown as { env: Env };
          holder.env = { ...holder.env, SYNC_QUEUE: { send: failSend, sendBatch: failSend } as unknown as Queue };
        });
        await send(await planDeliveries(), false);
        if (src.ingestion === "poll") await sweep(src);
        await runInDurableObject(stub, async (instance: OrderActor) => {
          (instance as unknown as { env: Env }).env = env;
        });
        if (alarmNow) await runDurableObjectAlarm(stub);
      }
    }

    // Deliveries and the cron's sweeps, one after the other or racing.
    const deliveries = await planDeliveries();
    const sweeps = planSweeps();
    const race = rnd() < 0.25;
    if (race) await Promise.all([send(deliveries, true), runSweeps(sweeps)]);
    else {
      await send(deliveries, false);
      await runSweeps(sweeps);
    }
  }
  await send([[...held.values()].map((d) => [d])], false);
  held.clear();
  report.trafficSeconds = Math.round((Date.now() - startedAt) / 1000);

  // ---------------------------------------------------------------- settle
  // Faults off; every source is swept from the run's start (recovering dropped webhooks); then the cron's
  // reconciliation runs every few seconds until every destination holds what every source says.
  const settleStarted = Date.now();
  for (const l of ledgers) await clearFault(l.slug, l.faultMatch);
  for (const s of sources) if (s.faultMatch) await clearFault(s.slug, s.faultMatch);
  for (const s of sources) {
    await s.rewind();
    await sweep(s);
  }
  const truths = new Map<SourceDriver, Map<string, Truth>>();
  for (const s of sources) truths.set(s, await s.truth(orders.get(s)!));
  for (const s of sources) for (const o of orders.get(s)!) if (!truths.get(s)!.has(o.id)) report.problems.push(`${s.slug} has no order ${o.id}`);
  const keys = new Set(sources.flatMap((s) => orders.get(s)!.map((o) => keyOf(s, o))));
  const settleBudget = opts.settleBudgetMs ?? Math.max(90_000, report.orders * 4_000);
  let lastCron = 0;
  let outcome: Evaluation | null = null;
  let why = "";
  for (;;) {
    // The scheduled handler's reconciliation: sweeps every source from its cursor, compares, repairs through the
    // normal path. Every few seconds: a message waiting out a vendor's Retry-After is not hurried.
    if (Date.now() - lastCron > 4_000) {
      lastCron = Date.now();
      await reconcile(env);
    }
    const ours = (await findDiscrepancies(env)).findings.filter((f) => keys.has(f.orderKey));
    if (ours.length === 0) {
      report.reconciledSeconds ??= Math.round((Date.now() - settleStarted) / 1000);
      outcome = await evaluate(sources, ledgers, ledgerOf, truths, locationValues);
      if (outcome.problems.length === 0) {
        // Settled: look once more a moment later, so a late retry that writes a second document is seen.
        await sleep(1_000);
        outcome = await evaluate(sources, ledgers, ledgerOf, truths, locationValues);
        if (outcome.problems.length === 0) break;
      }
      why = outcome.problems.slice(0, 3).join("; ");
    } else {
      why = `${ours.length} reconciliation findings, e.g. ${JSON.stringify(ours[0])}`;
    }
    if (Date.now() - settleStarted > settleBudget) {
      const failures = (await env.DB.prepare(`SELECT order_key, destination_connection_id, kind, vendor_code, message FROM failures WHERE status = 'open' LIMIT 5`).all()).results;
      report.problems.push(`not settled after ${Math.round(settleBudget / 1000)} s: ${why}; open failures: ${JSON.stringify(failures)}; last sweep errors: ${JSON.stringify(Object.fromEntries(sweepErrors))}`);
      outcome ??= await evaluate(sources, ledgers, ledgerOf, truths, locationValues);
      report.problems.push(...(await timelines(outcome.problems, sources)));
      break;
    }
    await sleep(ours.length > 0 ? 300 : 500);
  }
  report.settleSeconds = Math.round((Date.now() - settleStarted) / 1000);

  // Stock: the mesh's level of each of the run's levels (per source connection, sku, location) against the platform's.
  for (const s of sources) {
    if (!s.stock) continue;
    const platform = await s.stock.levels();
    const rows = await env.DB.prepare(`SELECT sku, location_id AS l, available FROM stock WHERE connection_id = ?`).bind(s.connectionId).all<{ sku: string; l: string; available: string }>();
    const mesh = new Map(rows.results.map((r) => [`${r.sku}@${r.l}`, r.available]));
    // The sweep also brings the shared sandbox shop's other locations (other runs, other test files): not this run's.
    const ours = (key: string) => s.locations.includes(key.slice(key.indexOf("@") + 1));
    for (const key of new Set([...platform.keys(), ...[...mesh.keys()].filter(ours)])) {
      const want = platform.get(key);
      const got = mesh.get(key);
      // The newest change whose webhook went out (none: all dropped): what the mesh would hold without the sweep.
      const sent = (stockSent.get(key) ?? []).filter((c) => c.sent).sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt)).at(-1);
      if (got === want) {
        if (want !== undefined && sent?.available !== want) report.stockSwept++;
        continue;
      }
      report.stockDrift++;
      report.problems.push(`stock of ${s.slug} ${key}: mesh ${got ?? "none"}, platform ${want ?? "none"}, newest sent ${sent?.available ?? "none"}`);
    }
  }
  // Nothing verified may be lost to quarantine either (a swept order of another test file's is not this run's).
  const quarantined = await env.DB.prepare(`SELECT connection_id AS c, event_id AS e, reason FROM quarantine WHERE connection_id IN (${sources.map(() => "?").join(",")})`)
    .bind(...sources.map((s) => s.connectionId))
    .all<{ c: string; e: string | null; reason: string }>();
  for (const q of quarantined.results) {
    if (q.e?.startsWith("poll:") && !keys.has(orderKeyOf(q.c, q.e.slice(5)))) continue;
    report.problems.push(`quarantined at ${q.c} (${q.e}): ${q.reason}`);
  }
  report.documents = outcome.documents;
  report.duplicateDocuments = outcome.duplicates;
  report.missing = outcome.missing;
  report.centDrift = outcome.centDrift;
  report.statusMismatch = outcome.statusMismatch;
  report.stillBooked = outcome.stillBooked;
  report.locationMismatch = outcome.locationMismatch;
  report.locations = new Set(sources.flatMap((s) => [...truths.get(s)!.values()].filter((t) => t.location !== undefined).map((t) => `${s.slug}:${t.location}`))).size;
  report.documentsByDestination = outcome.byDestination;
  if (outcome.problems.length > 0) report.problems.push(...outcome.problems.slice(0, 10));
  return report;
}

/** The mesh's own account of the first orders with problems (events, transitions, syncs), to read beside a failing seed. */
async function timelines(problems: string[], sources: SourceDriver[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of problems.slice(0, 2)) {
    const m = / (\S+) order (\d+)/.exec(p);
    const src = sources.find((x) => x.slug === m?.[1]);
    if (!m || !src) continue;
    const tl = await env.ORDER_ACTOR.getByName(orderKeyOf(src.connectionId, m[2]!)).timeline(60);
    out.push(`timeline of ${src.connectionId}:${m[2]} (status ${tl.snapshot?.status}): ${tl.entries.map((e) => `${e.at.slice(11, 23)} ${e.summary}`).join(" | ")}`);
  }
  return out;
}

interface Evaluation {
  documents: number;
  duplicates: number;
  missing: number;
  centDrift: number;
  statusMismatch: number;
  stillBooked: number;
  locationMismatch: number;
  byDestination: Record<string, number>;
  problems: string[];
}

/**
 * Every (source order, routed destination): one main document (or none where the destination deletes), one credit per
 * refund, totals to the cent, and where the destination maps locations, each document booked under the order's.
 */
async function evaluate(sources: SourceDriver[], ledgers: Ledger[], ledgerOf: Map<string, Ledger>, truths: Map<SourceDriver, Map<string, Truth>>, locationValues: Record<string, string>): Promise<Evaluation> {
  const out: Evaluation = { documents: 0, duplicates: 0, missing: 0, centDrift: 0, statusMismatch: 0, stillBooked: 0, locationMismatch: 0, byDestination: {}, problems: [] };
  const docs = new Map<Ledger, InspectDoc[]>();
  for (const l of ledgers) {
    docs.set(l, await l.documents());
    out.byDestination[l.slug] = 0;
  }
  const minor = (d: InspectDoc) => toMinor(d.total, d.currency);
  for (const s of sources) {
    for (const t of truths.get(s)!.values()) {
      for (const slug of ROUTES[s.slug]!) {
        const l = ledgerOf.get(slug)!;
        const where = `${slug}: ${s.slug} order ${t.id}`;
        const main = l.main(docs.get(l)!, t, s.connectionId);
        const v = l.verdict(t, main);
        const [least, most] = v.main;
        if (main.length < least) {
          out.missing += least - main.length;
          out.problems.push(`${where} has no document`);
        }
        if (main.length > most) {
          out.duplicates += main.length - most;
          out.problems.push(`${where} has ${main.length} documents: ${main.map((d) => `${d.kind} ${d.id}`).join(", ")}`);
        }
        if (v.status) {
          out.statusMismatch++;
          out.problems.push(`${where}: ${v.status}`);
        }
        if (v.stillBooked) out.stillBooked++;
        if (v.priced && minor(v.priced) !== t.total) {
          out.centDrift += Math.abs(minor(v.priced) - t.total);
          out.problems.push(`${where}: ${v.priced.kind} total ${v.priced.total} ${v.priced.currency}, source ${t.total} minor units`);
        }
        let count = main.length;
        for (const r of t.reported ? t.refunds : []) {
          const credits = l.credits(docs.get(l)!, t, r.id, s.connectionId);
          count += credits.length;
          if (credits.length === 0) {
            out.missing++;
            out.problems.push(`${where} lacks the credit document of refund ${r.id}`);
          } else if (credits.length > 1) {
            out.duplicates += credits.length - 1;
            out.problems.push(`${where} has ${credits.length} credit documents for refund ${r.id}`);
          }
          if (credits[0] && Math.abs(minor(credits[0])) !== r.total) {
            out.centDrift += Math.abs(Math.abs(minor(credits[0])) - r.total);
            out.problems.push(`${where}: credit for refund ${r.id} totals ${credits[0].total}, source ${r.total} minor units`);
          }
        }
        out.documents += count;
        out.byDestination[slug]! += count;
        if (l.locations) {
          const want = t.location === undefined ? null : (locationValues[t.location] ?? null);
          const credits = t.reported ? t.refunds.flatMap((r) => l.credits(docs.get(l)!, t, r.id, s.connectionId)) : [];
          for (const d of [...main, ...credits]) {
            const got = l.locations.carried(d);
            if (got === want) continue;
            out.locationMismatch++;
            out.problems.push(`${where}: ${d.kind} ${d.id} booked under location ${got ?? "none"}, the order's (${t.location ?? "none"}) maps to ${want ?? "none"}`);
          }
        }
      }
    }
  }
  return out;
}

/**
 * Each run's own connections (demo settings, the run's tenants, its own token lineage) routed per ROUTES; destinations
 * that map locations get the run's map; the Xero tenant runs at the time scale asked for.
 */
async function setup(sources: SourceDriver[], ledgers: Ledger[], locationValues: Record<string, string>, xeroTimeScale: number): Promise<void> {
  for (const l of ledgers) {
    await l.prepare();
    await l.locations?.prepare?.(Object.values(locationValues));
  }
  const xero = ledgers.find((l) => l.slug === "xero");
  if (xero && xeroTimeScale !== 1) await sandbox(`/xero/_sim/orgs/${String(xero.config.tenantId)}`, { limits: { timeScale: xeroTimeScale } });
  const save = async (id: string, slug: string, config: Record<string, unknown>, credentials?: Record<string, string>) => {
    const demo = DEMO_CONNECTIONS[slug];
    if (!demo) throw new Error(`no demo connection for ${slug}`);
    const creds = credentials ?? { ...demo.credentials };
    if (!credentials && creds.refreshToken) creds.refreshToken = `test-seed-${crypto.randomUUID()}`;
    await saveConnection(env, { ...demo, id, slug, baseUrl: `${SANDBOX}/${slug}`, config: { ...(demo.config ?? {}), ...config }, credentials: creds });
  };
  for (const s of sources) await save(s.connectionId, s.slug, s.config);
  for (const l of ledgers) {
    const config = { ...l.config, ...(l.locations?.config(locationValues) ?? {}), ...(l.slug === "xero" && xeroTimeScale !== 1 ? { simulatorTimeScale: xeroTimeScale } : {}) };
    await save(l.connectionId, l.slug, config, l.credentials);
  }
  for (const s of sources) {
    for (const slug of ROUTES[s.slug]!) await addRoute(env, s.connectionId, ledgers.find((l) => l.slug === slug)!.connectionId);
  }
}

/**
 * Sets a fault on a simulator, scoped to this run. The sandbox holds one fault setting per simulator, shared with test
 * files running in parallel, which set theirs and later read it back: a setting of another run or file (its own
 * `match`, or anything pending) is left alone and the fault is skipped.
 */
async function injectFault(slug: string, match: string, fault: Faults): Promise<void> {
  if (!(await faultSettingFree(slug, match))) return;
  await sandbox(`/_faults/${slug}`, { ...fault, match });
}

/** Clears this run's fault setting, leaving anyone else's. */
async function clearFault(slug: string, match: string): Promise<void> {
  const current = await sandbox<Faults>(`/_faults/${slug}`);
  if (current.match === match) await sandbox(`/_faults/${slug}`, {});
}

async function faultSettingFree(slug: string, match: string): Promise<boolean> {
  const f = await sandbox<Faults>(`/_faults/${slug}`);
  if (f.match) return f.match === match;
  const pending = (f.serverErrors ?? 0) > 0 || (f.rateLimited ?? 0) > 0 || (f.timeouts ?? 0) > 0 || f.expireTokens || f.dropWebhooks || f.duplicateWebhooks || f.reorderWebhooks || f.timeScale;
  return !pending;
}

/**
 * An access token the vendor no longer accepts (expired early, revoked), for this run's connection only: the vendors'
 * expireTokens fault would expire every test file's tokens. The next call gets the vendor's 401 and must refresh.
 */
async function revokeToken(connectionId: string): Promise<void> {
  await runInDurableObject(env.CONNECTION_ACTOR.getByName(connectionId), async (instance, state) => {
    const holder = instance as unknown as { token: TokenSet | null };
    const token = holder.token ?? (await state.storage.get<TokenSet>("token")) ?? null;
    if (!token) return;
    const revoked = { ...token, accessToken: `revoked-${token.accessToken.slice(-12)}` };
    holder.token = revoked;
    await state.storage.put("token", revoked);
  });
}

const failSend = async (): Promise<never> => {
  throw new Error("simulated crash before the queue send");
};
