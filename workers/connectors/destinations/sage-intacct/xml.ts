// Writing Intacct request XML (elements in schema order, text escaped) and reading its responses as plain objects.
import { XMLParser } from "fast-xml-parser";

export type XmlChild = string | null | undefined | false;

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** `<name attrs>text</name>` or `<name>children…</name>`; absent children (null/undefined/false) are skipped. */
export function el(name: string, content: string | number | XmlChild[], attrs: Record<string, string> = {}): string {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join("");
  const inner = Array.isArray(content) ? content.filter((c): c is string => typeof c === "string").join("") : escapeXml(String(content));
  return inner === "" ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

/** Optional element: only when a value is given. */
export function opt(name: string, value: string | number | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : el(name, value);
}

/** The `{year, month, day}` block Intacct dates use. */
export function dateBlock(name: string, isoDay: string): string {
  const [y, m, d] = isoDay.slice(0, 10).split("-");
  return el(name, [el("year", Number(y)), el("month", Number(m)), el("day", Number(d))]);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ["operation", "result", "error", "sodocument", "sodocumententry"].includes(name),
});

export function parseXml(text: string): unknown {
  return parser.parse(text);
}
