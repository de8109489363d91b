// The Adobe Commerce Swagger 2.0 definitions (../shared/specs/magento/admin-schema-2.4.9.yaml), read just far enough to
// validate a record against one: property names, types, $refs, array items, required fields.
import adminSchema from "../../../../../shared/specs/magento/admin-schema-2.4.9.yaml";

interface Prop {
  type?: string;
  ref?: string;
  items?: { type?: string; ref?: string };
}

interface Definition {
  properties: Record<string, Prop>;
  required: string[];
}

let definitions: Map<string, Definition> | null = null;

/**
 * The `definitions:` section, line by line. The file is machine-written with fixed indentation: a definition at 2
 * spaces, its keywords at 4, properties at 6, their keywords at 8 and array item keywords at 10.
 */
export function swaggerDefinitions(): Map<string, Definition> {
  if (definitions) return definitions;
  const out = new Map<string, Definition>();
  const lines = adminSchema.split("\n");
  let i = lines.findIndex((l) => l === "definitions:") + 1;
  let def: Definition | null = null;
  let mode: "props" | "required" | "other" = "other";
  let prop: Prop | null = null;
  let inItems = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\S/.test(line)) break;
    let m: RegExpExecArray | null;
    if ((m = /^ {2}([^\s:][^:]*):\s*$/.exec(line))) {
      def = { properties: {}, required: [] };
      out.set(m[1]!, def);
      mode = "other";
      continue;
    }
    if (!def) continue;
    if ((m = /^ {4}(\w+):/.exec(line))) {
      mode = m[1] === "properties" ? "props" : m[1] === "required" ? "required" : "other";
      continue;
    }
    if (mode === "required" && (m = /^ {4}- (.+)$/.exec(line))) {
      def.required.push(m[1]!.trim());
      continue;
    }
    if (mode !== "props") continue;
    if ((m = /^ {6}([^\s:][^:]*):\s*$/.exec(line))) {
      prop = {};
      def.properties[m[1]!] = prop;
      inItems = false;
      continue;
    }
    if (!prop) continue;
    if (/^ {8}items:\s*$/.test(line)) {
      inItems = true;
      prop.items = {};
      continue;
    }
    if ((m = /^ {8}(type|"\$ref"):\s*"?([^"\s]+)"?/.exec(line))) {
      inItems = false;
      if (m[1] === "type") prop.type = m[2];
      else prop.ref = m[2]!.replace("#/definitions/", "");
      continue;
    }
    if (inItems && (m = /^ {10}(type|"\$ref"):\s*"?([^"\s]+)"?/.exec(line))) {
      if (m[1] === "type") prop.items!.type = m[2];
      else prop.items!.ref = m[2]!.replace("#/definitions/", "");
    }
  }
  definitions = out;
  return out;
}

function typeOk(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case "number":
      return typeof value === "number";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

/**
 * Problems of `value` against definition `name`: unknown fields, wrong types, missing required fields. A required field
 * may be null — Magento itself answers `"account_status": null, "cc_last4": null` for required payment fields.
 */
export function validate(value: unknown, name: string, path = "", problems: string[] = []): string[] {
  const def = swaggerDefinitions().get(name);
  if (!def) return problems;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path || "(root)"}: must be an object (${name})`);
    return problems;
  }
  const rec = value as Record<string, unknown>;
  for (const r of def.required) if (rec[r] === undefined) problems.push(`${path}${r}: required by ${name}`);
  for (const [k, v] of Object.entries(rec)) {
    const p = def.properties[k];
    const at = `${path}${k}`;
    if (!p) {
      problems.push(`${at}: not a property of ${name}`);
      continue;
    }
    if (v === null) continue;
    if (p.ref) validate(v, p.ref, `${at}.`, problems);
    else if (!typeOk(v, p.type)) problems.push(`${at}: must be ${p.type}`);
    else if (p.type === "array" && p.items) {
      (v as unknown[]).forEach((item, idx) => {
        if (p.items!.ref) validate(item, p.items!.ref, `${at}[${idx}].`, problems);
        else if (!typeOk(item, p.items!.type)) problems.push(`${at}[${idx}]: must be ${p.items!.type}`);
      });
    }
  }
  return problems;
}
