// S/4HANA simulator: an OData V2 EDMX read into entity types the validator checks against (and the credit memo minimum).
import { XMLParser } from "fast-xml-parser";

export interface EdmProperty {
  name: string;
  /** Edm.String, Edm.Decimal, Edm.DateTime, Edm.DateTimeOffset, Edm.Boolean, Edm.Double, Edm.Time … */
  type: string;
  maxLength?: number;
  precision?: number;
  scale?: number;
  nullable: boolean;
  creatable: boolean;
  updatable: boolean;
  /** ConcurrencyMode="Fixed": the property the ETag derives from. */
  etag: boolean;
}

export interface EdmNavigation {
  name: string;
  /** Qualified name of the target entity type ("API_SALES_ORDER_SRV.A_SalesOrderItemType"). */
  target: string;
  many: boolean;
}

export interface EdmEntityType {
  name: string;
  keys: string[];
  properties: Map<string, EdmProperty>;
  navigation: Map<string, EdmNavigation>;
}

export interface EdmService {
  namespace: string;
  types: Map<string, EdmEntityType>;
  /** Entity set → qualified entity type name. */
  sets: Map<string, string>;
}

type Node = Record<string, unknown>;

function arr(v: unknown): Node[] {
  return Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node];
}

function attr(n: Node, name: string): string | undefined {
  const v = n[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

/** Parses an OData V2 EDMX: entity types (keys, properties with type/MaxLength/Precision/Scale/Nullable, sap:creatable/updatable, navigation), entity sets. */
export function parseEdmx(text: string): EdmService {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", removeNSPrefix: true, isArray: (_n, _p, _l, isAttribute) => !isAttribute });
  const doc = parser.parse(text) as Node;
  const schema = arr(arr(arr(doc.Edmx)[0]?.DataServices)[0]?.Schema)[0];
  if (!schema) throw new Error("EDMX has no Schema");
  const namespace = attr(schema, "Namespace") ?? "";
  const ends = new Map<string, Map<string, { type: string; many: boolean }>>();
  for (const a of arr(schema.Association)) {
    const roles = new Map<string, { type: string; many: boolean }>();
    for (const e of arr(a.End)) roles.set(attr(e, "Role")!, { type: attr(e, "Type")!, many: attr(e, "Multiplicity") === "*" });
    ends.set(`${namespace}.${attr(a, "Name")}`, roles);
  }
  const types = new Map<string, EdmEntityType>();
  for (const t of arr(schema.EntityType)) {
    const name = `${namespace}.${attr(t, "Name")}`;
    const properties = new Map<string, EdmProperty>();
    for (const p of arr(t.Property)) {
      const num = (k: string) => (attr(p, k) === undefined ? undefined : Number(attr(p, k)));
      properties.set(attr(p, "Name")!, {
        name: attr(p, "Name")!,
        type: attr(p, "Type")!,
        maxLength: num("MaxLength"),
        precision: num("Precision"),
        scale: num("Scale"),
        nullable: attr(p, "Nullable") !== "false",
        creatable: attr(p, "creatable") !== "false",
        updatable: attr(p, "updatable") !== "false",
        etag: attr(p, "ConcurrencyMode") === "Fixed",
      });
    }
    const navigation = new Map<string, EdmNavigation>();
    for (const n of arr(t.NavigationProperty)) {
      const end = ends.get(attr(n, "Relationship")!)?.get(attr(n, "ToRole")!);
      if (end) navigation.set(attr(n, "Name")!, { name: attr(n, "Name")!, target: end.type, many: end.many });
    }
    const keys = arr(arr(t.Key)[0]?.PropertyRef).map((r) => attr(r, "Name")!);
    types.set(name, { name, keys, properties, navigation });
  }
  const sets = new Map<string, string>();
  for (const c of arr(schema.EntityContainer)) for (const s of arr(c.EntitySet)) sets.set(attr(s, "Name")!, attr(s, "EntityType")!);
  return { namespace, types, sets };
}

/**
 * API_CREDIT_MEMO_REQUEST_SRV has no EDMX in ../shared/specs: the simulator serves the documented minimum
 * (A_CreditMemoRequest with to_Item and item to_PricingElement), each property typed like its namesake in
 * API_SALES_ORDER_SRV (field names from SAP API Business Hub "Credit Memo Request (A2X)", as in
 * github.com/latonaio/sap-api-integrations-credit-memo-request-creates-2 SAP_API_Output_Formatter/type.go).
 */
export function creditMemoService(so: EdmService): EdmService {
  const ns = "API_CREDIT_MEMO_REQUEST_SRV";
  const header = so.types.get("API_SALES_ORDER_SRV.A_SalesOrderType")!;
  const item = so.types.get("API_SALES_ORDER_SRV.A_SalesOrderItemType")!;
  const element = so.types.get("API_SALES_ORDER_SRV.A_SalesOrderItemPrElementType")!;
  const copy = (from: EdmEntityType, names: string[], renames: Record<string, string>): Map<string, EdmProperty> => {
    const out = new Map<string, EdmProperty>();
    for (const n of names) {
      const source = from.properties.get(renames[n] ?? n);
      if (source) out.set(n, { ...source, name: n });
    }
    return out;
  };
  const headerProps = copy(
    header,
    ["CreditMemoRequest", "CreditMemoRequestType", "SalesOrganization", "DistributionChannel", "OrganizationDivision", "SalesGroup", "SalesOffice", "SoldToParty", "CreationDate", "LastChangeDate", "LastChangeDateTime", "PurchaseOrderByCustomer", "CustomerPurchaseOrderDate", "CreditMemoRequestDate", "TotalNetAmount", "TransactionCurrency", "SDDocumentReason", "PricingDate", "HeaderBillingBlockReason", "CustomerPaymentTerms", "ReferenceSDDocument", "OverallSDProcessStatus", "OverallSDDocumentRejectionSts"],
    { CreditMemoRequest: "SalesOrder", CreditMemoRequestType: "SalesOrderType", CreditMemoRequestDate: "SalesOrderDate" },
  );
  const itemProps = copy(
    item,
    ["CreditMemoRequest", "CreditMemoRequestItem", "CreditMemoRequestItemCategory", "CreditMemoRequestItemText", "PurchaseOrderByCustomer", "Material", "RequestedQuantity", "RequestedQuantityUnit", "TransactionCurrency", "NetAmount", "Plant", "SalesDocumentRjcnReason", "ReferenceSDDocument", "ReferenceSDDocumentItem", "SDProcessStatus"],
    { CreditMemoRequest: "SalesOrder", CreditMemoRequestItem: "SalesOrderItem", CreditMemoRequestItemCategory: "SalesOrderItemCategory", CreditMemoRequestItemText: "SalesOrderItemText", Plant: "ProductionPlant" },
  );
  const elementProps = copy(
    element,
    ["CreditMemoRequest", "CreditMemoRequestItem", "PricingProcedureStep", "PricingProcedureCounter", "ConditionType", "ConditionRateValue", "ConditionCurrency", "ConditionQuantity", "ConditionAmount", "TransactionCurrency"],
    { CreditMemoRequest: "SalesOrder", CreditMemoRequestItem: "SalesOrderItem" },
  );
  const t = (name: string, keys: string[], properties: Map<string, EdmProperty>, navigation: EdmNavigation[]): [string, EdmEntityType] => [
    `${ns}.${name}`,
    { name: `${ns}.${name}`, keys, properties, navigation: new Map(navigation.map((n) => [n.name, n])) },
  ];
  return {
    namespace: ns,
    types: new Map([
      t("A_CreditMemoRequestType", ["CreditMemoRequest"], headerProps, [{ name: "to_Item", target: `${ns}.A_CreditMemoRequestItemType`, many: true }]),
      t("A_CreditMemoRequestItemType", ["CreditMemoRequest", "CreditMemoRequestItem"], itemProps, [{ name: "to_PricingElement", target: `${ns}.A_CreditMemoReqItemPrcgElmntType`, many: true }]),
      t("A_CreditMemoReqItemPrcgElmntType", ["CreditMemoRequest", "CreditMemoRequestItem", "PricingProcedureStep", "PricingProcedureCounter"], elementProps, []),
    ]),
    sets: new Map([
      ["A_CreditMemoRequest", `${ns}.A_CreditMemoRequestType`],
      ["A_CreditMemoRequestItem", `${ns}.A_CreditMemoRequestItemType`],
    ]),
  };
}
