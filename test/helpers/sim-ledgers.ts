// The fault simulation's destinations: each run's own company/organisation in the sandbox, which of its documents
// belong to a source order, and what each must show for the order's state at the source.
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { inspect, sandbox, type InspectDoc } from "./mesh";
import type { RunIds, Truth } from "./sim-sources";

/** What a destination must hold for one source order, and any state it shows that the source contradicts. */
export interface Verdict {
  /** Main documents allowed: [at least, at most]. */
  main: [number, number];
  /** The main document whose total must equal the source total (none when voided or deleted). */
  priced: InspectDoc | null;
  status: string | null;
  /**
   * The order was cancelled (voided) at the source and never refunded, yet this destination still books it: a paid
   * Xero invoice not voided, a posted Business Central invoice not cancelled. The connectors reverse such a document
   * (Xero: delete the mesh's payments, void; BC: cancel by a corrective credit memo), so it is also a status mismatch
   * (`status` set): the report counts it as cancelled_still_booked and the run fails.
   */
  stillBooked: boolean;
}

export interface Ledger {
  slug: string;
  connectionId: string;
  config: Record<string, unknown>;
  credentials: Record<string, string>;
  /** Fault `match` that reaches only this run's tenant (its realm, tenant header or company in the path). */
  faultMatch: string;
  prepare(): Promise<void>;
  /** Every document of this run's tenant. */
  documents(): Promise<InspectDoc[]>;
  main(docs: InspectDoc[], t: Truth, sourceConnection: string): InspectDoc[];
  credits(docs: InspectDoc[], t: Truth, refundId: string, sourceConnection: string): InspectDoc[];
  verdict(t: Truth, main: InspectDoc[]): Verdict;
  /**
   * Where the connector books a source location (QuickBooks: a Class, Xero: a tracking option); absent where it has no such mapping. `config`
   * turns a location → value map into the connection setting, `carried` reads the value a document carries.
   */
  locations?: {
    config(map: Record<string, string>): Record<string, unknown>;
    carried(d: InspectDoc): string | null;
    /** Makes the run's values bookable at the vendor (Xero: the tracking category's options), before the first sync. */
    prepare?(values: string[]): Promise<void>;
  };
}

/** Demo credentials with a refresh-token lineage of the run's own (rotating tokens are single-use in the sandbox). */
function demoCredentials(slug: string): Record<string, string> {
  const credentials = { ...(DEMO_CONNECTIONS[slug]?.credentials ?? {}) };
  if (credentials.refreshToken) credentials.refreshToken = `test-seed-${crypto.randomUUID()}`;
  return credentials;
}

function guid(kind: number, seed: number): string {
  return `5e5e${kind.toString(16).padStart(4, "0")}-0000-4000-8000-${(seed % 2 ** 48).toString(16).padStart(12, "0")}`;
}

/** The ownership marker QuickBooks documents carry in PrivateNote (workers/connectors/destinations/quickbooks-online/refs.ts). */
function qboMarker(d: InspectDoc): string | null {
  return /\bom:\S+/.exec(String((d.raw as { PrivateNote?: string }).PrivateNote ?? ""))?.[0] ?? null;
}

/**
 * QuickBooks Online: a SalesReceipt or Invoice per order, a RefundReceipt or CreditMemo per refund, each marked with
 * om:<source connection>:<order>[:r:<refund>]. A cancelled order that was never refunded is voided (TotalAmt 0,
 * PrivateNote "Voided - …"); a live one never is.
 */
export function quickbooksLedger(run: RunIds): Ledger {
  const realmId = `5550${run.seed}`;
  return {
    slug: "quickbooks-online",
    connectionId: `${run.prefix}-quickbooks-online`,
    config: { realmId },
    credentials: demoCredentials("quickbooks-online"),
    faultMatch: `/company/${realmId}/`,
    prepare: async () => undefined,
    documents: async () => (await inspect("quickbooks-online")).filter((d) => (d.raw as { realmId?: string }).realmId === realmId),
    main: (docs, t, conn) => docs.filter((d) => (d.kind === "SalesReceipt" || d.kind === "Invoice") && qboMarker(d) === `om:${conn}:${t.id}`),
    credits: (docs, t, r, conn) => docs.filter((d) => (d.kind === "RefundReceipt" || d.kind === "CreditMemo") && qboMarker(d) === `om:${conn}:${t.id}:r:${r}`),
    verdict(t, main) {
      const voided = main.some((d) => String((d.raw as { PrivateNote?: string }).PrivateNote ?? "").startsWith("Voided"));
      const status =
        t.cancelled && t.refunds.length === 0 && main.length > 0 && !voided ? "cancelled at the source, not voided"
        : !t.cancelled && voided ? "voided, but the order is not cancelled"
        : null;
      return { main: t.reported ? [1, 1] : [0, 0], priced: voided ? null : (main[0] ?? null), status, stillBooked: false };
    },
    // QboConfig.classMap (location id → Class Id); every sales and credit document's header carries ClassRef.
    locations: {
      config: (classMap) => ({ classMap }),
      carried: (d) => (d.raw as { ClassRef?: { value?: string } }).ClassRef?.value ?? null,
    },
  };
}

/** The Xero tracking category the simulation books locations under. */
const XERO_LOCATION_CATEGORY = "Location";

/**
 * Xero: an ACCREC invoice numbered with the order number, a credit note "<number>-R<refund id>" per refund. A cancelled
 * order's invoice is VOIDED — its payments deleted first when the order was paid (Xero forbids voiding an invoice with
 * payments) — unless refunds already reversed it (credit notes allocated or paid out): then it stays.
 */
export function xeroLedger(run: RunIds): Ledger {
  const tenantId = guid(1, run.seed);
  const clientId = `sim-xero-${run.seed}`;
  const credentials = { clientId, clientSecret: "sim-xero-secret", refreshToken: `test-seed-${crypto.randomUUID()}` };
  return {
    slug: "xero",
    connectionId: `${run.prefix}-xero`,
    config: { tenantId },
    credentials,
    faultMatch: tenantId,
    // An OAuth client of the run's own whose one organisation is the run's tenant.
    prepare: async () => {
      await sandbox("/xero/_sim/clients", { clientId, clientSecret: credentials.clientSecret, refreshToken: "sim-unused", tenants: [tenantId] });
    },
    documents: async () => (await inspect("xero")).filter((d) => (d.raw as { tenantId?: string }).tenantId === tenantId),
    // XeroConfig.locations (the posting profile: location id → tracking category and option); every line of the
    // invoice and of its credit notes carries the option, so a location's sales and refunds report under it.
    locations: {
      prepare: async (options) => {
        await sandbox(`/xero/_sim/orgs/${tenantId}`, { tracking: [{ Name: "Store", Options: ["Downtown", "Uptown", "Online"] }, { Name: XERO_LOCATION_CATEGORY, Options: options }] });
      },
      config: (map) => ({ locations: Object.fromEntries(Object.entries(map).map(([loc, trackingOption]) => [loc, { trackingCategory: XERO_LOCATION_CATEGORY, trackingOption }])) }),
      carried: (d) => {
        const lines = (d.raw as { LineItems?: Array<{ Tracking?: Array<{ Name: string; Option: string }> }> }).LineItems ?? [];
        const options = [...new Set(lines.map((l) => l.Tracking?.find((t) => t.Name === XERO_LOCATION_CATEGORY)?.Option ?? "none"))];
        if (options.length > 1) return `mixed (${options.join(", ")})`;
        return options[0] === undefined || options[0] === "none" ? null : options[0];
      },
    },
    main: (docs, t) => docs.filter((d) => d.kind === "Invoice" && d.externalRef === t.orderNumber),
    credits: (docs, t, r) => docs.filter((d) => d.kind === "CreditNote" && d.externalRef === `${t.orderNumber}-R${r}`),
    verdict(t, main) {
      const raw = (main[0]?.raw ?? {}) as { Status?: string; AmountPaid?: number; AmountCredited?: number };
      const voided = raw.Status === "VOIDED";
      const settled = Number(raw.AmountPaid ?? 0) !== 0 || Number(raw.AmountCredited ?? 0) !== 0;
      const reversedByRefunds = t.refunds.length > 0 && settled;
      const stillBooked = t.cancelled && t.refunds.length === 0 && main.length > 0 && !voided;
      const status =
        t.cancelled && main.length > 0 && !voided && !reversedByRefunds ? `cancelled at the source, invoice ${raw.Status}`
        : !t.cancelled && voided ? "VOIDED, but the order is not cancelled"
        : null;
      return { main: t.reported ? [1, 1] : [0, 0], priced: voided ? null : (main[0] ?? null), status, stillBooked };
    },
  };
}

/**
 * Business Central: a sales order per order (externalDocumentNumber = order number), posted as a sales invoice once
 * shipped; a sales credit memo "R<refund id>" per refund. A cancelled order's open sales order is deleted (BC has no
 * cancelled state) and its posted invoice cancelled (status Canceled, reversed by one corrective credit memo — BC
 * refuses a second), unless refunds reversed it first.
 */
export function businessCentralLedger(run: RunIds): Ledger {
  const companyId = guid(2, run.seed);
  const upper = (s: string) => s.toUpperCase();
  return {
    slug: "dynamics-365-business-central",
    connectionId: `${run.prefix}-dynamics-365-business-central`,
    config: { companyId },
    credentials: demoCredentials("dynamics-365-business-central"),
    faultMatch: companyId,
    prepare: async () => undefined,
    documents: async () => (await inspect("dynamics-365-business-central")).filter((d) => (d.raw as { companyId?: string }).companyId === companyId),
    main: (docs, t) => docs.filter((d) => (d.kind === "salesOrder" || d.kind === "salesInvoice") && upper(d.externalRef) === upper(t.orderNumber)),
    credits: (docs, _t, r) => docs.filter((d) => d.kind === "salesCreditMemo" && upper(d.externalRef) === upper(`R${r}`)),
    verdict(t, main) {
      if (!t.reported) return { main: [0, 0], priced: null, status: null, stillBooked: false };
      if (t.cancelled) {
        // Deleted when the cancellation reaches BC before the order is posted; a posted invoice is cancelled (its total
        // stays on it; the corrective credit memo carries the reversal). Refunds before the cancellation already
        // reversed the order (the mesh keeps it refunded, as QuickBooks keeps the sale and its refunds).
        const unreversed = t.refunds.length === 0;
        const stillOpen = unreversed && main.some((d) => d.kind === "salesOrder");
        const stillBooked = unreversed && main.some((d) => d.kind === "salesInvoice" && (d.raw as { status?: string }).status !== "Canceled");
        const status = stillOpen ? "cancelled at the source, sales order still open" : stillBooked ? "cancelled at the source, posted invoice not cancelled" : null;
        return { main: [0, 1], priced: main[0] ?? null, status, stillBooked };
      }
      const status = t.shipped && t.refunds.length === 0 && main.length === 1 && main[0]!.kind !== "salesInvoice" ? "shipped at the source, not invoiced" : null;
      return { main: [1, 1], priced: main[0] ?? null, status, stillBooked: false };
    },
  };
}
