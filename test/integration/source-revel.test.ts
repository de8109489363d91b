// Revel → QuickBooks Online end to end through the cron sweep: a closed ticket lands once with Revel's total (tips
// included), and a refund on the POS reaches QuickBooks as a refund of that order.
import { describe, expect, it } from "vitest";
import { floatToMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";

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
const s = new SourceScenario("revel", false);
const sales = () => s.sales(String(order.orderInfo.id));

describe("Revel → QuickBooks Online", () => {
  it("a closed ticket is found by the first sweep and becomes one sales document with Revel's total", async () => {
    order = await sandbox<Order>("/_seed/revel/orders", freshOrder());
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const docs = await s.firstSales(String(order.orderInfo.id));
    expect(docs).toHaveLength(1);
    const tips = order.payments.reduce((n, p) => n + floatToMinor(Number(p.tip ?? 0), "USD"), 0);
    expect(floatToMinor(Number(docs[0]!.total), "USD")).toBe(floatToMinor(Number(order.orderInfo.final_total), "USD") + tips);
  });

  it("a refund on the POS reaches QuickBooks as one refund, and the sale stays single", async () => {
    await sandbox(`/revel/_sim/orders/${String(order.orderInfo.id)}/refund`, { amount: 4.75 });
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const credit = await s.firstRefunds(String(order.orderInfo.id));
    expect(credit).toHaveLength(1);
    expect(floatToMinor(Number(credit[0]!.total), "USD")).toBe(475);
    expect(await sales()).toHaveLength(1);
  });
});
