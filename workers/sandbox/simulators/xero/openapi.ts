// Xero's OpenAPI components parsed once per isolate, and a validator of request bodies against them.
import accountingYaml from "../../../../../shared/specs/xero/xero_accounting.yaml";
import { parseYaml } from "./yaml";

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  required?: string[];
  readOnly?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
};

export interface Issue {
  /** JSON path of the offending value ("Invoices[0].LineItems[1].UnitAmount"). */
  path: string;
  message: string;
}

let schemas: Record<string, Schema> | null = null;

/** components.schemas of ../shared/specs/xero/xero_accounting.yaml (only the components block is read). */
export function componentSchemas(): Record<string, Schema> {
  if (schemas) return schemas;
  const at = accountingYaml.indexOf("\ncomponents:");
  const doc = parseYaml(accountingYaml.slice(at + 1)) as { components: { schemas: Record<string, Schema> } };
  schemas = doc.components.schemas;
  return schemas;
}

function resolve(s: Schema): Schema {
  let cur = s;
  for (let guard = 0; cur.$ref && guard < 10; guard++) {
    const name = cur.$ref.split("/").pop()!;
    const target = componentSchemas()[name];
    if (!target) throw new Error(`unknown schema ${cur.$ref}`);
    cur = target;
  }
  return cur;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Validates a request body against a named component: types, enums, maxLength, uuid formats and `required`. */
export function validate(name: string, value: unknown): Issue[] {
  const issues: Issue[] = [];
  check({ $ref: `#/components/schemas/${name}` }, value, "", issues);
  return issues;
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function check(raw: Schema, value: unknown, path: string, issues: Issue[]): void {
  if (value === null || value === undefined) return;
  const s = resolve(raw);
  const type = s.type ?? raw.type;
  const where = path || "(body)";
  switch (type) {
    case "object": {
      if (typeName(value) !== "object") {
        issues.push({ path: where, message: `${where} must be an object, not ${typeName(value)}` });
        return;
      }
      const obj = value as Record<string, unknown>;
      for (const req of s.required ?? []) {
        if (obj[req] === undefined || obj[req] === null || obj[req] === "") issues.push({ path: join(path, req), message: `${req} is required` });
      }
      for (const [k, v] of Object.entries(obj)) {
        const prop = s.properties?.[k];
        if (!prop || prop.readOnly) continue; // Xero ignores unknown and read-only elements in requests
        check(prop, v, join(path, k), issues);
      }
      return;
    }
    case "array":
      if (!Array.isArray(value)) {
        issues.push({ path: where, message: `${where} must be an array, not ${typeName(value)}` });
        return;
      }
      value.forEach((item, i) => check(s.items ?? {}, item, `${path}[${i}]`, issues));
      return;
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value) || (type === "integer" && !Number.isInteger(value))) {
        issues.push({ path: where, message: `${where}: ${JSON.stringify(value)} is not a valid ${type === "integer" ? "integer" : "decimal"}` });
      }
      break;
    case "boolean":
      if (typeof value !== "boolean") issues.push({ path: where, message: `${where}: ${JSON.stringify(value)} is not a valid boolean` });
      break;
    case "string":
      if (typeof value !== "string") {
        issues.push({ path: where, message: `${where}: ${JSON.stringify(value)} is not a valid string` });
        return;
      }
      if (s.maxLength !== undefined && value.length > s.maxLength) issues.push({ path: where, message: `${where} must be no longer than ${s.maxLength} characters` });
      if ((s.format ?? raw.format) === "uuid" && !UUID.test(value)) issues.push({ path: where, message: `${where}: "${value}" is not a valid GUID` });
      break;
    default:
      break;
  }
  if (s.enum && !s.enum.includes(value)) issues.push({ path: where, message: `${where}: "${String(value)}" is not one of ${s.enum.join(", ")}` });
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
