// SAP-written Business One samples and the S/4HANA Sales Order EDMX, read from ../shared/specs at test time.
const b1 = import.meta.glob("../../../shared/specs/sap-business-one/*.json", { eager: true, import: "default" }) as Record<string, unknown>;
const edmx = import.meta.glob("../../../shared/specs/sap-s4hana/*.edmx", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

/** A B1 sample by file name ("sample_Orders_POST_request.json", "SAP_Business_One.postman_collection.json"). */
export function b1Sample<T = unknown>(file: string): T {
  const key = Object.keys(b1).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no SAP Business One sample ${file}`);
  return structuredClone(b1[key]) as T;
}

interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  request?: { method: string; body?: { raw?: string }; url: { path: string[] } };
}

/** A request of SAP's Postman collection by name ("Create Sales Order", "Login"): method, path and parsed body. */
export function b1PostmanRequest(name: string): { method: string; path: string; body: Record<string, unknown> } {
  const walk = (items: PostmanItem[]): PostmanItem | undefined => {
    for (const i of items) {
      if (i.name === name && i.request) return i;
      const inner = i.item ? walk(i.item) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const found = walk(b1Sample<{ item: PostmanItem[] }>("SAP_Business_One.postman_collection.json").item);
  if (!found?.request) throw new Error(`no request "${name}" in SAP's Postman collection`);
  return { method: found.request.method, path: `/${found.request.url.path.join("/")}`, body: found.request.body?.raw ? (JSON.parse(found.request.body.raw) as Record<string, unknown>) : {} };
}

/** SAP's API_SALES_ORDER_SRV $metadata as text. */
export function salesOrderEdmx(): string {
  const key = Object.keys(edmx).find((k) => k.endsWith("/API_SALES_ORDER_SRV.edmx"));
  if (!key) throw new Error("no API_SALES_ORDER_SRV.edmx");
  return edmx[key]!;
}
