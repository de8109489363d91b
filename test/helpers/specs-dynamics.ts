// Microsoft-written Dynamics 365 fixtures from ../shared/specs: the BC salesOrder representation and create example, F&O entity attributes.
const files = import.meta.glob(["../../../shared/specs/microsoft-dynamics-bc/*.json", "../../../shared/specs/microsoft-dynamics-fo/*.json"], { eager: true, import: "default" }) as Record<string, unknown>;

function file<T>(name: string): T {
  const key = Object.keys(files).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no Dynamics fixture ${name}`);
  return structuredClone(files[key]) as T;
}

/** BC salesOrder "JSON representation": property → type name ("GUID", "date", "decimal", …). */
export function bcRepresentation(): Record<string, string> {
  return file("salesOrder.representation.json");
}

/** Body of Microsoft's "Create salesOrders" example. */
export function bcCreateExample(): Record<string, unknown> {
  return file("salesOrder.create.request.example.json");
}

export interface FoAttributes {
  SalesOrderHeaderV2Entity: { odataEntity: string; odataCollection: string; attributes: string[] };
  SalesOrderLineV2Entity: { attributes: string[] };
}

/** F&O SalesOrderHeaderV2 / SalesOrderLineV2 attribute names (CDM extract). */
export function foAttributes(): FoAttributes {
  return file("fo_sales_order_entities.attributes.json");
}
