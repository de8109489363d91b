// The simulator's own XML-RPC codec (independent of the connector's): methodCall in, methodResponse / fault out, as Python's xmlrpc.client writes them.
import { XMLParser } from "fast-xml-parser";

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name, jpath) => name === "param" || name === "member" || (name === "value" && String(jpath).endsWith("data.value")),
});

export class XmlRpcSyntaxError extends Error {}

function value(node: unknown): Value {
  if (typeof node === "string") return node; // <value>text</value>: a string
  if (node === null || typeof node !== "object") return "";
  const n = node as Record<string, unknown>;
  const [type] = Object.keys(n).filter((k) => k !== "#text");
  if (!type) return String(n["#text"] ?? "");
  const raw = n[type];
  const text = typeof raw === "string" ? raw : "";
  switch (type) {
    case "string": return text;
    case "int": case "i4": case "i8": return Number.parseInt(text.trim(), 10);
    case "double": return Number(text.trim());
    case "boolean": return text.trim() === "1";
    case "nil": return null;
    case "dateTime.iso8601": case "base64": return text.trim();
    case "array": {
      const data = raw && typeof raw === "object" ? (raw as { data?: unknown }).data : undefined;
      const values = data && typeof data === "object" ? ((data as { value?: unknown[] }).value ?? []) : [];
      return values.map(value);
    }
    case "struct": {
      const members = raw && typeof raw === "object" ? ((raw as { member?: Array<{ name: unknown; value: unknown }> }).member ?? []) : [];
      return Object.fromEntries(members.map((m) => [String(m.name), value(m.value)]));
    }
    default: throw new XmlRpcSyntaxError(`unknown type ${type}`);
  }
}

export function parseMethodCall(xml: string): { method: string; params: Value[] } {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new XmlRpcSyntaxError((err as Error).message);
  }
  const call = doc.methodCall as { methodName?: unknown; params?: { param?: Array<{ value: unknown }> } } | undefined;
  if (!call || typeof call.methodName !== "string") throw new XmlRpcSyntaxError("not a methodCall");
  return { method: call.methodName.trim(), params: (call.params?.param ?? []).map((p) => value(p.value)) };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Marshals like xmlrpc.client.Marshaller (allow_none=True): newline after each structural tag. */
function dump(v: Value): string {
  if (v === null) return "<value><nil/></value>";
  if (typeof v === "boolean") return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === "number") return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
  if (typeof v === "string") return `<value><string>${esc(v)}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>\n${v.map((x) => `${dump(x)}\n`).join("")}</data></array></value>`;
  return `<value><struct>\n${Object.entries(v).map(([k, x]) => `<member>\n<name>${esc(k)}</name>\n${dump(x)}\n</member>\n`).join("")}</struct></value>`;
}

export function methodResponse(v: Value): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${dump(v)}\n</param>\n</params>\n</methodResponse>\n`;
}

export function fault(code: number, text: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n${dump({ faultCode: code, faultString: text })}\n</fault>\n</methodResponse>\n`;
}
