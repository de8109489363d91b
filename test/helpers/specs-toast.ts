// Toast's vendor-written Orders API spec (../shared/specs/toast, Swagger 2.0 YAML) and the example orders it contains.
const specs = import.meta.glob("../../../shared/specs/toast/toast-orders-api-v2.6.5.yaml", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

export type Json = Record<string, unknown>;

function specText(): string {
  const text = Object.values(specs)[0];
  if (!text) throw new Error("no Toast orders spec in ../shared/specs/toast");
  return text;
}

function scalar(raw: string): unknown {
  const v = raw.trim();
  if (v === "null" || v === "~" || v === "") return null;
  if (v === "true" || v === "false") return v === "true";
  if (v === "[]") return [];
  if (v === "{}") return {};
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(v);
  if (quoted) return quoted[1] ?? quoted[2];
  return v;
}

interface Line {
  indent: number;
  text: string;
}

/** Block-style YAML of maps, lists and plain scalars: the subset the spec's examples are written in. */
function parseBlock(lines: Line[], at: number, indent: number): [unknown, number] {
  if (lines[at]!.text.startsWith("- ")) {
    const list: unknown[] = [];
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith("- ")) {
      const rest = lines[at]!.text.slice(2);
      if (/^[^:'"]+:( |$)/.test(rest)) {
        const inner = [...lines.slice(0, at), { indent: indent + 2, text: rest }, ...lines.slice(at + 1)];
        const [item, next] = parseBlock(inner, at, indent + 2);
        list.push(item);
        at = next;
      } else {
        list.push(scalar(rest));
        at++;
      }
    }
    return [list, at];
  }
  const map: Json = {};
  while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.text.startsWith("- ")) {
    const m = /^([^:]+):(?: (.*))?$/.exec(lines[at]!.text);
    if (!m) throw new Error(`unreadable YAML line: ${lines[at]!.text}`);
    at++;
    if (m[2] !== undefined && m[2].trim() !== "") {
      map[m[1]!] = scalar(m[2]);
    } else if (at < lines.length && (lines[at]!.indent > indent || (lines[at]!.indent === indent && lines[at]!.text.startsWith("- ")))) {
      const [child, next] = parseBlock(lines, at, lines[at]!.indent);
      map[m[1]!] = child;
      at = next;
    } else {
      map[m[1]!] = null;
    }
  }
  return [map, at];
}

/**
 * The example Order Toast returns from POST /orders (`responses.200.examples.application/json`): the one full
 * response-side Order the spec carries (a check with a selection, a captured OTHER payment, a customer).
 */
export function toastExampleOrder(): Json {
  const all = specText().split("\n");
  const start = all.findIndex((l, i) => l.trim() === "application/json:" && all[i - 1]?.trim() === "examples:" && all.slice(i + 1, i + 3).some((x) => x.includes("guid:")));
  if (start < 0) throw new Error("no example order in the Toast spec");
  const base = all[start]!.search(/\S/);
  const lines: Line[] = [];
  for (const raw of all.slice(start + 1)) {
    if (raw.trim() === "") continue;
    const indent = raw.search(/\S/);
    if (indent <= base) break;
    lines.push({ indent, text: raw.trim() });
  }
  return parseBlock(lines, 0, lines[0]!.indent)[0] as Json;
}
