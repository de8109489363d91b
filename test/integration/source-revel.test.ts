// Revel → QuickBooks Online end to end through the cron sweep: a closed ticket lands once with Revel's total (tips
// included), and a refund on the POS reaches QuickBooks as a refund of that order.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { floatToMinor } from "../../shared/model/money";
import { pollConnection } from "../../workers/reconcile/poll";
import { connect, eventually, inspect, sandbox } from "../helpers/mesh";

type Json = Record<string, unknown>;
type Order = { orderInfo: Json; items: Json[]; payments: Json[] };
const files = import.meta.glob("../fixtures/revel/order-dine-in.json", { eager: true, import: "default" }) as Record<string, Order>;

/** The fixture ticket, closed now: the simulator assigns the order id and updated_date. */
function freshOrder(): Order {
  const o = structuredClone(Object.values(files)[0]!);
  const { id: _id, updated_date: _u, resource_uri: _r, ...info } = o.orderInfo;
  return { orderInfo: info, items: o.items.map(({ id: _i, ...i }) => i), payments: o.payments.map(({ id: _p, ...p }) => p) };
}

let order: Order;
const ours = async () => (await inspect("quickbooks-online")).filter((d) => JSON.stringify(d.raw).includes(`om:demo-revel:${String(order.orderInfo.id)}`));
const sales = async () => (await ours()).filter((d) => d.kind === "SalesReceipt" || d.kind === "Invoice");
const credits = async () => (await ours()).filter((d) => d.kind === "RefundReceipt" || d.kind === "CreditMemo");

beforeAll(async () => {
  await connect(["revel"], ["quickbooks-online"]);
});

describe("Revel → QuickBooks Online", () => {
  it("a closed ticket is found by the first sweep and becomes one sales document with Revel's total", async () => {
    order = await sandbox<Order>("/_seed/revel/orders", freshOrder());
    const stats = await pollConnection(env, "demo-revel");
    expect(stats.error).toBeUndefined();
    const docs = await eventually(async () => ((await sales()).length > 0 ? sales() : undefined), 20_000, "the QuickBooks sales document");
    expect(docs).toHaveLength(1);
    const tips = order.payments.reduce((n, p) => n + floatToMinor(Number(p.tip ?? 0), "USD"), 0);
    expect(floatToMinor(Number(docs[0]!.total), "USD")).toBe(floatToMinor(Number(order.orderInfo.final_total), "USD") + tips);
  });

  it("a refund on the POS reaches QuickBooks as one refund, and the sale stays single", async () => {
    await sandbox(`/revel/_sim/orders/${String(order.orderInfo.id)}/refund`, { amount: 4.75 });
    const stats = await pollConnection(env, "demo-revel");
    expect(stats.error).toBeUndefined();
    const credit = await eventually(async () => ((await credits()).length > 0 ? credits() : undefined), 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    expect(floatToMinor(Number(credit[0]!.total), "USD")).toBe(475);
    expect(await sales()).toHaveLength(1);
  });
});
