// XML-RPC for Odoo's external API (≤ 18): methodCall encoding and methodResponse / fault decoding (https://xmlrpc.com/spec.md).
import { XMLParser } from "fast-xml-parser";

export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

export class XmlRpcError extends Error {
  override name = "XmlRpcError";
}

export interface XmlRpcFault {
  faultCode: number | string;
  faultString: string;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One value: integers as <int>, other numbers as <double>, null as <nil/> (Odoo's server sets allow_none). */
export function encodeValue(v: XmlRpcValue): string {
  if (v === null) return "<value><nil/></value>";
  if (typeof v === "boolean") return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new XmlRpcError(`cannot encode ${v}`);
    return Number.isSafeInteger(v) && Math.abs(v) <= 0x7fffffff ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
  }
  if (typeof v === "string") return `<value><string>${escape(v)}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encodeValue).join("")}</data></array></value>`;
  return `<value><struct>${Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `<member><name>${escape(k)}</name>${encodeValue(x)}</member>`)
    .join("")}</struct></value>`;
}

export function encodeMethodCall(method: string, params: XmlRpcValue[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escape(method)}</methodName><params>${params.map((p) => `<param>${encodeValue(p)}</param>`).join("")}</params></methodCall>`;
}

type Node = Record<string, unknown>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: true });

function tag(n: Node): string {
  return Object.keys(n).find((k) => k !== ":@") ?? "";
}
function children(n: Node): Node[] {
  return (n[tag(n)] as Node[] | undefined) ?? [];
}
function elements(n: Node): Node[] {
  return children(n).filter((c) => tag(c) !== "#text");
}
function textOf(n: Node): string {
  return children(n).map((c) => (tag(c) === "#text" ? String(c["#text"]) : "")).join("");
}
function child(n: Node, name: string): Node | undefined {
  return elements(n).find((c) => tag(c) === name);
}

export function decodeValue(value: Node): XmlRpcValue {
  const typed = elements(value)[0];
  if (!typed) return textOf(value); // no type element: a string
  const t = tag(typed);
  const text = textOf(typed);
  switch (t) {
    case "string": return text;
    case "int": case "i4": case "i8": {
      const n = Number(text.trim());
      if (!Number.isInteger(n)) throw new XmlRpcError(`bad <${t}> ${text}`);
      return n;
    }
    case "double": {
      const n = Number(text.trim());
      if (Number.isNaN(n)) throw new XmlRpcError(`bad <double> ${text}`);
      return n;
    }
    case "boolean": return text.trim() === "1";
    case "nil": return null;
    case "dateTime.iso8601": return text.trim();
    case "base64": return text.trim();
    case "array": return elements(child(typed, "data") ?? { data: [] }).filter((c) => tag(c) === "value").map(decodeValue);
    case "struct": {
      const out: Record<string, XmlRpcValue> = {};
      for (const m of elements(typed).filter((c) => tag(c) === "member")) {
        const name = child(m, "name");
        const v = child(m, "value");
        if (!name || !v) throw new XmlRpcError("struct member without name or value");
        out[textOf(name)] = decodeValue(v);
      }
      return out;
    }
    default: throw new XmlRpcError(`unknown XML-RPC type <${t}>`);
  }
}

function root(xml: string, name: string): Node {
  let doc: Node[];
  try {
    doc = parser.parse(xml) as Node[];
  } catch (err) {
    throw new XmlRpcError(`not XML: ${(err as Error).message}`);
  }
  const r = doc.find((n) => tag(n) === name);
  if (!r) throw new XmlRpcError(`no <${name}> element`);
  return r;
}

/** A methodResponse: the single returned value, or the fault struct. */
export function decodeMethodResponse(xml: string): { ok: true; value: XmlRpcValue } | { ok: false; fault: XmlRpcFault } {
  const r = root(xml, "methodResponse");
  const fault = child(r, "fault");
  if (fault) {
    const v = child(fault, "value");
    const s = v ? decodeValue(v) : null;
    if (!s || typeof s !== "object" || Array.isArray(s)) throw new XmlRpcError("fault without a struct");
    return { ok: false, fault: { faultCode: (s.faultCode as number | string) ?? 0, faultString: String(s.faultString ?? "") } };
  }
  const param = child(child(r, "params") ?? { params: [] }, "param");
  const v = param && child(param, "value");
  if (!v) throw new XmlRpcError("methodResponse without a value");
  return { ok: true, value: decodeValue(v) };
}
