// The connector's zod schemas and the simulator's validator agree with Square's OpenAPI (../shared/specs/square/api.json).
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import apiText from "../../../shared/specs/square/api.json?raw";
import * as S from "../../workers/connectors/sources/square/schemas";
import { sandbox } from "../helpers/connector-context";
import { squareExample, type Json } from "../helpers/specs-square";

// Read as text and parsed once: transforming the 3 MB spec into a JS module would cost seconds per run.
const schemas = (JSON.parse(apiText) as unknown as { components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } }).components.schemas;

/** Each connector schema and the OpenAPI component it reads. */
const PAIRS: Array<[string, z.ZodObject]> = [
  ["Order", S.Order],
  ["OrderLineItem", S.LineItem],
  ["OrderLineItemModifier", S.LineItemModifier],
  ["OrderLineItemAppliedTax", S.AppliedTax],
  ["OrderLineItemAppliedDiscount", S.AppliedDiscount],
  ["OrderLineItemTax", S.Tax],
  ["OrderLineItemDiscount", S.Discount],
  ["OrderServiceCharge", S.ServiceCharge],
  ["OrderQuantityUnit", S.QuantityUnit],
  ["Fulfillment", S.Fulfillment],
  ["FulfillmentRecipient", S.Recipient],
  ["Address", S.Address],
  ["Tender", S.Tender],
  ["Refund", S.Refund],
  ["OrderReturn", S.Return],
  ["OrderReturnLineItem", S.ReturnLineItem],
  ["OrderMoneyAmounts", S.MoneyAmounts],
  ["Money", S.Money],
  ["InventoryCount", S.InventoryCount],
];

describe("connector zod schemas ⊆ Square's OpenAPI", () => {
  for (const [name, schema] of PAIRS) {
    it(`${name}: every field read exists in the spec, and every field the spec requires is required`, () => {
      const spec = schemas[name]!;
      expect(spec, name).toBeDefined();
      const fields = Object.keys(schema.shape);
      expect(fields.filter((f) => !(f in (spec.properties ?? {})))).toEqual([]);
      for (const required of spec.required ?? []) {
        const field = schema.shape[required] as z.ZodType | undefined;
        expect(field, `${name}.${required} is required by the spec`).toBeDefined();
        expect(field!.safeParse(undefined).success, `${name}.${required} must not be optional`).toBe(false);
      }
    });
  }
});

describe("the simulator validates seeded orders against the OpenAPI Order schema", () => {
  const run = crypto.randomUUID().replace(/-/g, "").slice(0, 12);
  const seed = async (order: Json): Promise<{ status: number; detail: string }> => {
    const res = await fetch("http://localhost:8788/_seed/square/orders", { method: "POST", body: JSON.stringify(order), headers: { "content-type": "application/json" } });
    const body = (await res.json()) as { errors?: Array<{ detail: string }> };
    return { status: res.status, detail: body.errors?.[0]?.detail ?? "" };
  };
  const base = (suffix: string): Json & { line_items: Json[] } => ({ ...squareExample<{ order: Json & { line_items: Json[] } }>("RetrieveOrderResponse").order, id: `SCHEMA${run}${suffix}` });

  it("accepts Square's own example orders (RetrieveOrder and CreateOrder responses)", async () => {
    expect((await seed(base("ok"))).status).toBe(201);
    expect((await seed({ ...squareExample<{ order: Json }>("CreateOrderResponse").order, id: `SCHEMA${run}create` })).status).toBe(201);
    expect(await sandbox(`/square/_sim/orders/SCHEMA${run}ok/cancel`, {})).toMatchObject({ order: { state: "CANCELED" } });
  });

  it("names a missing required field, a wrong type, an unknown field and a value outside an enum", async () => {
    const { location_id: _dropped, ...noLocation } = base("a");
    expect(await seed(noLocation)).toEqual({ status: 400, detail: expect.stringMatching(/order\.location_id: required by the Order schema/) });
    const order = base("b");
    expect((await seed({ ...order, line_items: [{ ...order.line_items[0], quantity: 2 }] })).detail).toMatch(/line_items\[0\]\.quantity: expected a string/);
    expect((await seed({ ...base("c"), totl_money: { amount: 1, currency: "USD" } })).detail).toMatch(/totl_money: not a field of Order/);
    expect((await seed({ ...base("d"), state: "SHIPPED" })).detail).toMatch(/state: "SHIPPED" is not one of OPEN, COMPLETED, CANCELED, DRAFT/);
    expect((await seed({ ...order, line_items: [{ ...order.line_items[0], quantity: "two" }] })).detail).toMatch(/is not a decimal string/);
  });
});
