// Validates records against Square's own OpenAPI schemas (../shared/specs/square/api.json): required fields, types, enums, unknown fields.
import api from "../../../../../shared/specs/square/api.json";

interface Schema {
  $ref?: string;
  type?: string;
  enum?: string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}

const schemas = (api as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas;

function resolve(s: Schema): Schema {
  let out = s;
  for (let depth = 0; out.$ref && depth < 16; depth++) {
    const name = out.$ref.split("/").pop()!;
    const next = schemas[name];
    if (!next) throw new Error(`api.json has no schema ${name}`);
    out = next;
  }
  return out;
}

function check(value: unknown, schema: Schema, path: string, issues: string[]): void {
  if (issues.length >= 20) return;
  const s = resolve(schema);
  if (value === null) return; // Square serializes absent optionals by omission; a null is accepted as "unset".
  if (s.enum && typeof value === "string" && !s.enum.includes(value)) {
    issues.push(`${path}: "${value}" is not one of ${s.enum.join(", ")}`);
    return;
  }
  switch (s.type ?? (s.properties ? "object" : undefined)) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) {
        issues.push(`${path}: expected an object`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const name of s.required ?? []) if (record[name] === undefined) issues.push(`${path}.${name}: required by the ${nameOf(schema)} schema`);
      // An object schema without properties is a free-form map (metadata).
      if (!s.properties) return;
      for (const [key, v] of Object.entries(record)) {
        const prop = s.properties[key];
        if (!prop) issues.push(`${path}.${key}: not a field of ${nameOf(schema)}`);
        else check(v, prop, `${path}.${key}`, issues);
      }
      return;
    }
    case "array":
      if (!Array.isArray(value)) {
        issues.push(`${path}: expected an array`);
        return;
      }
      value.forEach((v, i) => check(v, s.items ?? {}, `${path}[${i}]`, issues));
      return;
    case "string":
      if (typeof value !== "string") issues.push(`${path}: expected a string`);
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) issues.push(`${path}: expected an integer`);
      return;
    case "number":
      if (typeof value !== "number") issues.push(`${path}: expected a number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") issues.push(`${path}: expected a boolean`);
      return;
    default:
      return;
  }
}

function nameOf(s: Schema): string {
  return s.$ref?.split("/").pop() ?? "inline";
}

/** Problems of `value` as an instance of components.schemas[name] (empty when it conforms). */
export function validateAgainst(name: string, value: unknown, path = name): string[] {
  if (!schemas[name]) throw new Error(`api.json has no schema ${name}`);
  const issues: string[] = [];
  check(value, { $ref: `#/components/schemas/${name}` }, path, issues);
  return issues;
}
