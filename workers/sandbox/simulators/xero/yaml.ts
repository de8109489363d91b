// A block-style YAML reader for the OpenAPI documents in ../shared/specs (mappings, sequences, plain and quoted scalars).
type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

interface Line {
  indent: number;
  text: string;
}

export class YamlError extends Error {
  override name = "YamlError";
}

/**
 * Parses the subset of YAML 1.2 that generated OpenAPI files use: indentation-nested mappings and sequences,
 * "- key: value" items, plain/single/double-quoted scalars and the empty flow collections [] and {}. Anything
 * else (anchors, block scalars, multi-line flow collections) is rejected rather than misread.
 */
export function parseYaml(source: string): Value {
  const lines: Line[] = [];
  for (const raw of source.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(raw) || raw.startsWith("---")) continue;
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, text: raw.trimStart() });
  }
  if (lines.length === 0) return null;
  const [value, next] = block(lines, 0, lines[0]!.indent);
  if (next !== lines.length) throw new YamlError(`unexpected content at "${lines[next]!.text}"`);
  return value;
}

const isItem = (l: Line): boolean => l.text === "-" || l.text.startsWith("- ");

function block(lines: Line[], i: number, indent: number): [Value, number] {
  return isItem(lines[i]!) ? sequence(lines, i, indent) : mapping(lines, i, indent);
}

function mapping(lines: Line[], start: number, indent: number): [Value, number] {
  const out: { [k: string]: Value } = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i]!)) {
    const { key, rest } = splitKey(lines[i]!.text);
    i++;
    if (rest !== "") {
      out[key] = scalar(rest);
      continue;
    }
    const next = lines[i];
    if (next && (next.indent > indent || (next.indent === indent && isItem(next)))) {
      const [v, after] = block(lines, i, next.indent);
      out[key] = v;
      i = after;
    } else {
      out[key] = null;
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new YamlError(`bad indentation at "${lines[i]!.text}"`);
  return [out, i];
}

function sequence(lines: Line[], start: number, indent: number): [Value, number] {
  const out: Value[] = [];
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!)) {
    const rest = lines[i]!.text === "-" ? "" : lines[i]!.text.slice(2).trimStart();
    if (rest === "") {
      const next = lines[i + 1];
      if (next && next.indent > indent) {
        const [v, after] = block(lines, i + 1, next.indent);
        out.push(v);
        i = after;
      } else {
        out.push(null);
        i++;
      }
    } else if (looksLikeKey(rest)) {
      // "- key: value" opens a mapping whose further keys sit under the first one.
      const inner = indent + (lines[i]!.text.length - rest.length);
      lines[i] = { indent: inner, text: rest };
      const [v, after] = mapping(lines, i, inner);
      out.push(v);
      i = after;
    } else {
      out.push(scalar(rest));
      i++;
    }
  }
  return [out, i];
}

function looksLikeKey(text: string): boolean {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = closingQuote(text);
    return end > 0 && /^:(\s|$)/.test(text.slice(end + 1));
  }
  return /^[^\s"'[{][^:]*?:(\s|$)/.test(text);
}

function closingQuote(text: string): number {
  const q = text[0]!;
  for (let i = 1; i < text.length; i++) {
    if (q === '"' && text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

function splitKey(text: string): { key: string; rest: string } {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = closingQuote(text);
    if (end < 0 || text[end + 1] !== ":") throw new YamlError(`bad key in "${text}"`);
    return { key: String(scalar(text.slice(0, end + 1))), rest: text.slice(end + 2).trim() };
  }
  const m = /^([^:]*?):(?:\s+(.*))?$/.exec(text);
  if (!m) throw new YamlError(`expected "key: value" in "${text}"`);
  return { key: m[1]!.trim(), rest: (m[2] ?? "").trim() };
}

function scalar(text: string): Value {
  if (text.startsWith('"')) {
    const end = closingQuote(text);
    if (end !== text.length - 1) throw new YamlError(`bad double-quoted scalar ${text}`);
    return text
      .slice(1, -1)
      .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => (e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: "\n", t: "\t", r: "\r", "0": "\0" } as Record<string, string>)[e] ?? e));
  }
  if (text.startsWith("'")) {
    const end = closingQuote(text);
    if (end !== text.length - 1) throw new YamlError(`bad single-quoted scalar ${text}`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === "[]") return [];
  if (text === "{}") return {};
  if (text.startsWith("[") || text.startsWith("{") || text.startsWith("&") || text.startsWith("*") || text === "|" || text === ">" || /^[|>][-+]?$/.test(text)) {
    throw new YamlError(`unsupported YAML construct: ${text}`);
  }
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null" || text === "~") return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}
