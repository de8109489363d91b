// Salesforce-written examples from ../shared/specs/salesforce: the REST guide's upsert request / response and the 2020 Postman collection.
const files = import.meta.glob(["../../../shared/specs/salesforce/examples/*.json", "../../../shared/specs/salesforce/*.postman_collection*.json"], { eager: true, import: "default" }) as Record<string, unknown>;

export function salesforceFixture<T = unknown>(name: string): T {
  const key = Object.keys(files).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no Salesforce fixture ${name}`);
  return structuredClone(files[key]) as T;
}

interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  request?: { method: string; body?: { raw?: string } };
}

/** The body of the collection's "Composite REST" request: the subrequest shape a graph's nodes share. */
export function postmanCompositeBody(): { compositeRequest: Array<Record<string, unknown>> } {
  const walk = (items: PostmanItem[]): PostmanItem | undefined => items.map((i) => (i.item ? walk(i.item) : i.name === "Composite REST" ? i : undefined)).find(Boolean);
  const collection = salesforceFixture<{ item: PostmanItem[] }>("Salesforce_API.postman_collection.2020.json");
  const found = walk(collection.item);
  if (!found?.request?.body?.raw) throw new Error("no Composite REST request in the Postman collection");
  return JSON.parse(found.request.body.raw) as { compositeRequest: Array<Record<string, unknown>> };
}
