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
  woocommerce: {
    name: "Demo WooCommerce shop",
    config: { siteHost: "demo-shop.example" },
    credentials: { webhookSecret: "demo-woocommerce-secret", consumerKey: "ck_demo_woocommerce", consumerSecret: "cs_demo_woocommerce" },
  },
  "lightspeed-retail": {
    name: "Demo Lightspeed Retail (R-Series) store",
    config: { accountId: "183700", currency: "USD", tokenUrl: `${SANDBOX}/lightspeed-retail/auth/oauth/token` },
    credentials: { accessToken: "demo-lightspeed-retail-token", clientId: "demo-lightspeed-client", clientSecret: "demo-lightspeed-client-secret", refreshToken: "demo-lightspeed-refresh-0" },
  },
  netsuite: {
    name: "Demo Oracle NetSuite account",
    config: { accountId: "1234567_SB1" },
    credentials: { consumerKey: "demo-ns-consumer-key", consumerSecret: "demo-ns-consumer-secret", tokenId: "demo-ns-token-id", tokenSecret: "demo-ns-token-secret" },
  },
  square: {
    name: "Demo Square seller",
    config: { apiHost: "connect.squareup.com" },
    credentials: { signatureKey: "demo-square-secret", accessToken: "demo-square-token" },
  },
  clover: {
    name: "Demo Clover merchant",
    config: { merchantId: "DEMOCLOVERMID", apiHost: "api.clover.com" },
    credentials: { authCode: "demo-clover-secret", accessToken: "demo-clover-token" },
  },
  "dynamics-365-business-central": {
    name: "Demo Dynamics 365 Business Central company",
    config: { tenantId: "demo-tenant", environment: "production", companyId: "5c7a6e0b-6b9a-4f3e-9a51-0d1e2f3a4b5c" },
    credentials: { clientId: "demo-bc-client", clientSecret: "demo-bc-secret" },
  },
  "lightspeed-x-series": {
    name: "Demo Lightspeed X-Series store",
    config: { domainPrefix: "demostore", currency: "USD" },
    credentials: { clientSecret: "demo-lightspeed-x-series-secret", accessToken: "demo-lightspeed-x-series-token" },
  },
  xero: {
    name: "Demo Xero organisation",
    config: { tenantId: "2f9c0a52-5c1b-4d3e-9e3b-7d1a5b8c0d11", tokenUrl: `${SANDBOX}/xero/connect/token` },
    credentials: { clientId: "demo-xero-client", clientSecret: "demo-xero-secret", refreshToken: "demo-xero-refresh-0" },
  },
  revel: {
    name: "Demo Revel Systems establishment",
    config: { subdomain: "demo-revel", currency: "USD", timeZone: "UTC" },
    credentials: { apiKey: "demo-revel-key", apiSecret: "demo-revel-secret" },
  },
  toast: {
    name: "Demo Toast restaurant",
    config: { restaurantGuid: "6f1f2d0e-7b5c-4d2a-9c1e-0d3b5a7e9f11", currency: "USD" },
    credentials: { webhookSecret: "demo-toast-secret", clientId: "demo-toast-client", clientSecret: "demo-toast-client-secret" },
  },
  "dynamics-365-finance": {
    name: "Demo Dynamics 365 Finance & Operations (USMF)",
    config: { environment: "demo", tenantId: "demo-tenant", dataAreaId: "usmf" },
    credentials: { clientId: "demo-fo-client", clientSecret: "demo-fo-secret" },
  },
  "sap-business-one": {
    name: "Demo SAP Business One company",
    config: { companyDB: "SBODEMOUS" },
    credentials: { userName: "manager", password: "demo-b1-password" },
  },
  "sap-s4hana": {
    name: "Demo SAP S/4HANA system",
    config: {},
    credentials: { user: "demo-s4-user", password: "demo-s4-password" },
  },
  prestashop: {
    name: "Demo PrestaShop store",
    config: { shopDomain: "demo-prestashop.example", outputFormat: "JSON", timeZone: "UTC" },
    credentials: { webserviceKey: "DEMOPRESTASHOPWEBSERVICEKEY00001" },
  },
  odoo: {
    name: "Demo Odoo 19 database",
    config: { database: "demo", login: "admin", version: 19 },
    credentials: { apiKey: "demo-odoo-key" },
  },
  "zoho-books": {
    name: "Demo Zoho Books organization",
    config: {
      organizationId: "10234695",
      tokenUrl: `${SANDBOX}/zoho-books/oauth/v2/token`,
      taxes: { codes: [{ rate: "0.085", code: "460000000038001" }, { rate: "0.13", code: "460000000038002" }, { rate: "0.07", code: "460000000038003" }, { rate: "0.2", code: "460000000038004" }, { rate: "0.08", code: "460000000038005" }, { rate: "0.1", code: "460000000038006" }] },
    },
    credentials: { clientId: "1000.DEMOZOHOBOOKSCLIENT", clientSecret: "demo-zoho-secret", refreshToken: "1000.demo-zoho-refresh" },
  },
  magento: {
    name: "Demo Adobe Commerce (Magento) store",
    config: { storeDomain: "demo-magento.example", storeCode: "all" },
    credentials: { accessToken: "demo-magento-token" },
  },
  salesforce: {
    name: "Demo Salesforce org",
    config: { myDomain: "demo-ordermesh" },
    credentials: { clientId: "demo-sf-client", clientSecret: "demo-sf-secret" },
  },
  "sage-intacct": {
    name: "Demo Sage Intacct company",
    config: { companyId: "demo-intacct-co" },
    credentials: { senderId: "demo-intacct-sender", senderPassword: "demo-intacct-sender-pw", userId: "demo-user", userPassword: "demo-user-pw" },
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
