// S/4HANA mapping and the simulator's EDMX reading: exact condition prices, 3-decimal quantities, 35-character references.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extend } from "../../shared/model/quantity";
import { priceValue, s4Quantity, unitRate } from "../../workers/connectors/destinations/sap-s4hana/mapping";
import { customerRef } from "../../workers/connectors/destinations/sap-s4hana/sync";
import { parseEdmx } from "../../workers/sandbox/simulators/sap-s4hana/edmx";
import { salesOrderEdmx } from "../helpers/specs-sap";

describe("S/4HANA condition prices", () => {
  it("a 9-decimal price per unit reproduces the item amount: quantity × price rounded = amount (or a cent off, settled by parity)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 999_999 }), fc.constantFrom("USD", "JPY", "KWD"), (amount, q, currency) => {
        const quantity = (q / 1000).toString();
        const back = priceValue(quantity, unitRate(amount, quantity, currency), currency);
        expect(Math.abs(back - amount)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("prices whole-unit prices exactly, and rounds quantity × price half up like the source's exact product", () => {
    expect(unitRate(1299, "1", "USD")).toBe("12.99");
    expect(priceValue("0.375", "12.99", "USD")).toBe(extend("0.375", 1299));
    expect(priceValue("3", "1280", "JPY")).toBe(3840);
    expect(priceValue("2", "12.5", "KWD")).toBe(25000);
  });

  it("holds quantities to 3 decimals (Edm.Decimal Scale 3), rounding and flagging anything finer", () => {
    expect(s4Quantity("0.375")).toEqual({ value: "0.375", rounded: false });
    expect(s4Quantity("0.3755")).toEqual({ value: "0.376", rounded: true });
    expect(s4Quantity("0.0004")).toEqual({ value: "1", rounded: true });
  });

  it("keeps the end of a reference longer than PurchaseOrderByCustomer's 35 characters", () => {
    const long = "MARKETPLACE-AMAZON-DE-ORDER-302-1234567-7654321";
    const ref = customerRef(long);
    expect(ref.length).toBeLessThanOrEqual(35);
    expect(long.endsWith(ref)).toBe(true);
    expect(customerRef("#1001")).toBe("#1001");
  });
});

describe("the simulator's reading of SAP's EDMX", () => {
  const text = salesOrderEdmx();
  const svc = parseEdmx(text);

  it("keeps every entity type and property SAP declared", () => {
    const types = [...text.matchAll(/<EntityType Name="([^"]+)"/g)].map((m) => `API_SALES_ORDER_SRV.${m[1]}`);
    expect([...svc.types.keys()].sort()).toEqual(types.sort());
    const entityText = [...text.matchAll(/<EntityType [\s\S]*?<\/EntityType>/g)].map((m) => m[0]).join("");
    const declared = [...entityText.matchAll(/<Property Name="/g)].length;
    expect([...svc.types.values()].reduce((n, t) => n + t.properties.size, 0)).toBe(declared);
  });

  it("reads facets as written: MaxLength, Precision/Scale, creatable, the ETag property, keys and navigation", () => {
    const so = svc.types.get("API_SALES_ORDER_SRV.A_SalesOrderType")!;
    const attr = (prop: string, facet: string) => new RegExp(`<Property Name="${prop}"[^>]*${facet}="([^"]+)"`).exec(text)?.[1];
    expect(so.properties.get("PurchaseOrderByCustomer")!.maxLength).toBe(Number(attr("PurchaseOrderByCustomer", "MaxLength")));
    expect(so.properties.get("TotalNetAmount")!.creatable).toBe(false);
    expect(so.properties.get("LastChangeDateTime")!.etag).toBe(true);
    expect(so.keys).toEqual(["SalesOrder"]);
    expect(so.navigation.get("to_Item")).toEqual({ name: "to_Item", target: "API_SALES_ORDER_SRV.A_SalesOrderItemType", many: true });
    const item = svc.types.get("API_SALES_ORDER_SRV.A_SalesOrderItemType")!;
    expect(item.properties.get("RequestedQuantity")).toMatchObject({ type: "Edm.Decimal", precision: Number(attr("RequestedQuantity", "Precision")), scale: Number(attr("RequestedQuantity", "Scale")) });
    expect(item.navigation.get("to_PricingElement")?.many).toBe(true);
    expect(svc.sets.get("A_SalesOrder")).toBe("API_SALES_ORDER_SRV.A_SalesOrderType");
  });
});
