// Tests run inside workerd: the mesh is the Worker under test, the sandbox an auxiliary Worker that answers
// every outbound request the mesh makes (no network), built from workers/sandbox with ../shared/specs bundled.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { readD1Migrations } from "@cloudflare/vitest-plugin";
import { build } from "esbuild";
import { renameSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const sandboxOut = path.join(root, ".build/test-sandbox/main.js");

export default defineConfig(async () => {
  // Built beside the target and renamed into place: a second vitest run (npm run simulate during npm test) never
  // reads a half-written bundle.
  const building = `${sandboxOut}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(root, "workers/sandbox/main.ts")],
    outfile: building,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    loader: { ".xsd": "text", ".xml": "text", ".edmx": "text", ".yaml": "text" },
    logLevel: "warning",
  });
  renameSync(building, sandboxOut);
  const migrations = await readD1Migrations(path.join(root, "migrations"));
  const shared = path.resolve(root, "../shared");
  return {
    server: { fs: { allow: [root, shared] } },
    test: {
      projects: [
        {
          // Pure functions (money, allocation, parity arithmetic, mappings, normalizers, signatures): plain Node, no
          // workerd start-up per file. Anything that needs the sandbox, D1 or a Durable Object is in "workers".
          server: { fs: { allow: [root, shared] } },
          test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ENCRYPTION_KEY: "test-encryption-key-0123456789abcdef",
                  ADMIN_TOKEN: "test-admin-token",
                  DEMO_RETAILER: "false",
                  // Status-change notifications go to the sandbox's notification gateway (GET /_inspect/notify-gateway).
                  NOTIFY_WEBHOOK_URL: "http://localhost:8788/notify-gateway/messages",
                  // `npm run simulate -- --seed N --minutes M` passes these through to test/chaos/simulate.test.ts.
                  SIMULATE_SEED: process.env.SIMULATE_SEED ?? "",
                  SIMULATE_MINUTES: process.env.SIMULATE_MINUTES ?? "",
                },
                // Every outbound fetch of the mesh (and of the tests) is answered by the sandbox.
                outboundService: "sandbox",
                workers: [
                  {
                    name: "sandbox",
                    modules: true,
                    scriptPath: sandboxOut,
                    compatibilityDate: "2026-11-01",
                    compatibilityFlags: ["nodejs_compat"],
                    durableObjects: { SIMULATOR: { className: "SimulatorState", useSQLite: true } },
                    bindings: { MESH_URL: "", SANDBOX_URL: "http://localhost:8788" },
                  },
                ],
              },
            }),
          ],
          server: { fs: { allow: [root, shared] } },
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/unit/**", "test/browser/**"],
            setupFiles: ["./test/helpers/setup.ts"],
            testTimeout: 30_000,
            hookTimeout: 30_000,
            server: { deps: { inline: [/.*/] } },
          },
        },
      ],
      // Vitest's default on 2 cores is one worker; the suite is I/O-bound in workerd, so two files at a time.
      maxWorkers: 2,
    },
  };
});
