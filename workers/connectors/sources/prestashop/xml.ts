// PrestaShop webservice XML → the same records its JSON output format gives (CDATA text, xlink attributes dropped,
// associations as arrays, multilingual fields as [{id, value}]), so one normalizer reads both formats.
// https://devdocs.prestashop-project.org/8/webservice/resources/orders/ (XML shape: <prestashop><order>…<associations>)
import { XMLParser } from "fast-xml-parser";
import { NormalizeError } from "../../../../shared/connector/errors";

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // Values stay strings: "61.800000" and "000012" must reach the normalizer exactly as sent.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

function asArray(v: unknown): unknown[] {
  return v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v];
}

/** One XML element → a JSON-output value. */
function plain(node: unknown): unknown {
  if (node === null || node === undefined) return "";
  if (typeof node !== "object") return String(node);
  if (Array.isArray(node)) return node.map(plain);
  const n = node as Node;
  const keys = Object.keys(n).filter((k) => !k.startsWith("@_"));
  if (keys.length === 0) return "";
  if (keys.length === 1 && keys[0] === "#text") return String(n["#text"]);
  if (keys.length === 1 && keys[0] === "language") {
    return asArray(n.language).map((l) => ({ id: String((l as Node)["@_id"] ?? ""), value: plain(l) }));
  }
  const out: Node = {};
  for (const k of keys) out[k] = k === "associations" ? associations(n[k]) : plain(n[k]);
  return out;
}

/** <associations><order_rows nodeType="order_row"><order_row>…</order_row></order_rows></associations> → {order_rows: […]}. */
function associations(node: unknown): Node {
  const out: Node = {};
  if (!node || typeof node !== "object") return out;
  for (const [name, container] of Object.entries(node as Node)) {
    if (name.startsWith("@_")) continue;
    const c = (container ?? {}) as Node;
    const itemKey = typeof c["@_nodeType"] === "string" ? (c["@_nodeType"] as string) : Object.keys(c).find((k) => !k.startsWith("@_"));
    out[name] = itemKey ? asArray(c[itemKey]).map(plain) : [];
  }
  return out;
}

function root(text: string): Node {
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (err) {
    throw new NormalizeError(`PrestaShop XML does not parse: ${(err as Error).message}`);
  }
  const ps = doc.prestashop;
  if (!ps || typeof ps !== "object") throw new NormalizeError("PrestaShop XML has no <prestashop> root");
  return ps as Node;
}

/** A list response (`<prestashop><orders><order>…`) → its records. */
export function xmlList(text: string, listNode: string, itemNode: string): unknown[] {
  const ps = root(text);
  const list = ps[listNode];
  if (list === undefined || list === "") return [];
  return asArray((list as Node)[itemNode]).map(plain);
}

/** A single-record response (`<prestashop><order>…`) → the record. */
export function xmlOne(text: string, itemNode: string): unknown {
  const ps = root(text);
  if (!(itemNode in ps)) throw new NormalizeError(`PrestaShop XML has no <${itemNode}>`);
  return plain(ps[itemNode]);
}

/** PrestaShop's XML error body: <prestashop><errors><error><code/><message/></error></errors></prestashop>. */
export function xmlErrors(text: string): { code?: string; message?: string }[] {
  try {
    const ps = root(text);
    return asArray((ps.errors as Node | undefined)?.error).map((e) => {
      const r = plain(e) as Node;
      return { code: typeof r.code === "string" ? r.code : undefined, message: typeof r.message === "string" ? r.message : undefined };
    });
  } catch {
    return [];
  }
}
