// `npm run simulate -- --seed N --minutes M`: runs the seeded fault simulation inside workerd and prints its counts.
import { spawnSync } from "node:child_process";
import path from "node:path";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const seed = opt("seed", "1");
const minutes = opt("minutes", "1");
if (!/^\d+$/.test(seed) || !(Number(minutes) > 0)) {
  console.error("usage: npm run simulate -- --seed <non-negative integer> --minutes <positive number>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const r = spawnSync(path.join(root, "node_modules/.bin/vitest"), ["run", "test/chaos/simulate.test.ts", "--reporter=verbose"], {
  cwd: root,
  env: { ...process.env, SIMULATE_SEED: seed, SIMULATE_MINUTES: minutes },
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
const out = `${r.stdout}\n${r.stderr}`;
const lines = out.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""));
// The counts (the same for the same seed), then the wall-clock figures.
const line = lines.find((l) => l.startsWith("simulate: "));
const timing = lines.find((l) => l.startsWith("simulate timing: "));
if (r.status !== 0) {
  console.error(out.slice(-6000));
  console.error(`simulation FAILED for seed ${seed}; add it to REGRESSION_SEEDS in test/chaos/simulate.test.ts once fixed`);
}
console.log(line ?? "simulate: no report (see output above)");
if (timing) console.log(timing);
process.exit(r.status ?? 1);
