// The demo retailer of `npm run dev`: demo-<slug> connections pointed at the sandbox, routed to the destinations.
import { eq } from "drizzle-orm";
import { db } from "../shared/db/client";
import { connections } from "../shared/db/schema";
import { addRoute, saveConnection, type ConnectionInput } from "./connections";
import { CONNECTORS } from "./connectors/registry";

const SANDBOX = "http://localhost:8788";

/** Per-slug demo settings; credentials match what each simulator accepts by default. */
export const DEMO_CONNECTIONS: Record<string, Omit<ConnectionInput, "id" | "slug" | "baseUrl">> = {
  shopify: {
    name: "Demo Shopify store",
    config: { shopDomain: "demo-shop.myshopify.com" },
    credentials: { webhookSecret: "demo-shopify-secret", accessToken: "demo-shopify-token" },
  },
  "quickbooks-online": {
    name: "Demo QuickBooks Online company",
    config: { realmId: "9130357766900456", tokenUrl: `${SANDBOX}/quickbooks-online/oauth2/v1/tokens/bearer` },
    credentials: { clientId: "demo-qbo-client", clientSecret: "demo-qbo-secret", refreshToken: "demo-qbo-refresh-0" },
  },
  // More demo connections: one entry per connector slug, inserted above this line.
};

/** Which destinations each demo source feeds (every demo source feeds QuickBooks Online; Shopify feeds them all). */
export function demoRoutes(sources: string[], destinations: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const s of sources) {
    for (const d of destinations) if (s === "demo-shopify" || d === "demo-quickbooks-online") out.push([s, d]);
  }
  return out;
}

let seeding: Promise<void> | null = null;

/** Seeds once per isolate; existing connections are left alone (their rotated tokens must survive restarts). */
export function ensureDemoRetailer(env: Env): Promise<void> {
  seeding ??= seedDemo(env).catch((err) => {
    seeding = null;
    throw err;
  });
  return seeding;
}

async function seedDemo(env: Env): Promise<void> {
  const sources: string[] = [];
  const destinations: string[] = [];
  for (const [slug, demo] of Object.entries(DEMO_CONNECTIONS)) {
    const connector = CONNECTORS[slug];
    if (!connector) continue;
    const id = `demo-${slug}`;
    const exists = await db(env.DB).select({ id: connections.id }).from(connections).where(eq(connections.id, id)).get();
    if (!exists) await saveConnection(env, { ...demo, id, slug, baseUrl: `${SANDBOX}/${slug}` });
    (connector.kind === "source" ? sources : destinations).push(id);
  }
  for (const [s, d] of demoRoutes(sources, destinations)) await addRoute(env, s, d);
}
