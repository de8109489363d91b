// Convergence against a destination that matches documents by number alone: a document another order's link holds
// is never adopted (two sources with the same order numbers routed to one company), while a lost link of the same
// order still is.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConnectorContext, DestinationConnector, DocumentRef } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { converge, loadLinks, writeLink } from "../../workers/dispatch/converge";
import { quickbooksOnline } from "../../workers/connectors/destinations/quickbooks-online";
import { weighedSpice, withIdentity } from "../helpers/orders";

/** A destination whose find answers by the order number only, recording what the mesh asked it to write. */
function byNumberOnly(held: DocumentRef) {
  const writes: string[] = [];
  const connector: DestinationConnector = {
    ...quickbooksOnline,
    find: async (_ctx, ref) => (ref === held.externalRef ? held : null),
    upsert: async (_ctx, order, existing) => {
      writes.push(`upsert ${order.sourceOrderId} onto ${existing?.id ?? "new"}`);
      return { doc: existing ?? { ...held, id: `new-${order.sourceOrderId}` }, notes: [] };
    },
    refund: async () => {
      throw new Error("no refunds here");
    },
  };
  return { connector, writes };
}

const ctx = {} as ConnectorContext;

describe("converge", () => {
  it("refuses to adopt a document found by number when another order's link holds it, and writes nothing", async () => {
    const held: DocumentRef = { kind: "Invoice", id: "INV-1007", externalRef: "1007", total: 1000, currency: "USD" };
    await writeLink(env, "woo:1007", "dest-bc", "order", held, 1);
    const { connector, writes } = byNumberOnly(held);
    const lightspeed = withIdentity(weighedSpice(), "ls-1007", "1007");
    const err = await converge(env, connector, ctx, "lightspeed:ls-1007", "dest-bc", lightspeed, 1).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("conflict");
    expect((err as ConnectorError).message).toContain("woo:1007");
    expect(writes).toEqual([]);
    expect((await loadLinks(env, "lightspeed:ls-1007", "dest-bc")).size).toBe(0);
    expect((await loadLinks(env, "woo:1007", "dest-bc")).get("order")?.docId).toBe("INV-1007");
  });

  it("still adopts the order's own document when only its link was lost", async () => {
    const held: DocumentRef = { kind: "Invoice", id: "INV-2001", externalRef: "2001", total: 1000, currency: "USD" };
    const { connector, writes } = byNumberOnly(held);
    const order = withIdentity(weighedSpice(), "shop-2001", "2001");
    const report = await converge(env, connector, ctx, "shop:shop-2001", "dest-bc", order, 1);
    expect(report.written.map((w) => [w.docKey, w.doc.id, w.adopted])).toEqual([["order", "INV-2001", true]]);
    expect(writes).toEqual(["upsert shop-2001 onto INV-2001"]);
  });
});
