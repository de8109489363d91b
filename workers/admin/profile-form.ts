// The settings form generated from a connector's zod config schema: its fields, their form values, reading a post back.
import { z } from "zod";

export interface Scalar {
  kind: "text" | "number" | "checkbox" | "select";
  /** Choices of a select (an enum's values). */
  options: string[];
  /** No default and not optional: an empty input is sent as "" for the schema to refuse. */
  required: boolean;
  defaultValue?: unknown;
}

export interface Column {
  name: string;
  label: string;
  scalar: Scalar;
}

interface Base {
  path: string[];
  /** The form name: the config path joined with dots. */
  name: string;
  label: string;
  help?: string;
}

export type Field =
  | (Base & { kind: "scalar"; scalar: Scalar })
  | (Base & { kind: "group"; fields: Field[] })
  /** A record (keyed: one row per key) or an array, one row per entry; each cell a scalar. */
  | (Base & { kind: "rows"; keyed: boolean; keyLabel: string; columns: Column[]; objectValues: boolean });

export interface ProfileForm {
  fields: Field[];
  /** Config paths the form cannot show (unions, nested collections…): edited in the JSON only. */
  jsonOnly: string[];
}

/** What the form holds: scalar inputs by name, rows by name, and fields whose stored value no input can hold. */
export interface FormValues {
  scalars: Record<string, string>;
  rows: Record<string, string[][]>;
  locked: Set<string>;
}

export interface Issue {
  path: PropertyKey[];
  message: string;
}

/** Parsed form post (`parseBody({ all: true })`). */
export type Posted = Record<string, string | File | Array<string | File>>;

const KEY = /^[A-Za-z0-9_]+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Rows read from a post at most (the page renders the stored ones plus a few empty ones). */
const MAX_ROWS = 500;
const KEY_COLUMN = "$key";
const VALUE_COLUMN = "$value";
export const ROW_COUNT = "$rows";

export function buildForm(schema: z.ZodType): ProfileForm {
  const jsonOnly: string[] = [];
  let root = unwrap(schema).inner;
  // A schema that derives values after parsing (NetSuite's account host) is edited through its input side.
  if (root instanceof z.ZodPipe) root = unwrap(root.in as z.ZodType).inner;
  return { fields: root instanceof z.ZodObject ? objectFields(root, [], jsonOnly) : [], jsonOnly };
}

/** Every field of the form, groups included, depth first. */
export function allFields(fields: Field[]): Field[] {
  return fields.flatMap((f) => (f.kind === "group" ? [f, ...allFields(f.fields)] : [f]));
}

/** The form's values for a stored config. */
export function encode(form: ProfileForm, config: Record<string, unknown>): FormValues {
  const out: FormValues = { scalars: {}, rows: {}, locked: new Set() };
  for (const f of allFields(form.fields)) {
    const value = getAt(config, f.path);
    if (f.kind === "scalar") {
      const raw = encodeScalar(f.scalar, value);
      if (raw === null) out.locked.add(f.name);
      else out.scalars[f.name] = raw;
    } else if (f.kind === "rows") {
      const rows = encodeRows(f, value);
      if (rows === null) out.locked.add(f.name);
      else out.rows[f.name] = rows;
    }
  }
  return out;
}

/**
 * Reads a post: the JSON textarea (`json`, absent = the stored config) is the base, and every form field whose posted
 * value differs from what the stored config shows in it replaces that path. Fields not posted, and fields posted
 * unchanged, leave the base as it is, so saving an untouched page writes the stored config back exactly.
 */
export function readPost(form: ProfileForm, stored: Record<string, unknown>, posted: Posted): { config: Record<string, unknown>; values: FormValues; json: string; issues: Issue[] } {
  const shown = encode(form, stored);
  const values: FormValues = { scalars: { ...shown.scalars }, rows: { ...shown.rows }, locked: shown.locked };
  const issues: Issue[] = [];
  const jsonText = one(posted.json);
  let config: Record<string, unknown> = structuredClone(stored);
  if (jsonText !== undefined) {
    try {
      const parsed: unknown = JSON.parse(jsonText);
      if (!isPlainObject(parsed)) issues.push({ path: [], message: "the JSON must be an object" });
      else config = parsed;
    } catch (err) {
      issues.push({ path: [], message: `the JSON does not parse: ${(err as Error).message}` });
    }
  }
  for (const f of allFields(form.fields)) {
    if (f.kind === "group" || shown.locked.has(f.name)) continue;
    if (f.kind === "scalar") {
      const raw = f.scalar.kind === "checkbox" ? checkbox(posted[f.name]) : one(posted[f.name]);
      if (raw === undefined) continue;
      values.scalars[f.name] = raw;
      if (raw !== shown.scalars[f.name]) setAt(config, f.path, decodeScalar(f.scalar, raw));
      continue;
    }
    const count = one(posted[`${f.name}.${ROW_COUNT}`]);
    if (count === undefined) continue;
    const names = columnNames(f);
    const rows: string[][] = [];
    for (let i = 0; i < Math.min(Number(count) || 0, MAX_ROWS); i++) {
      const cells = names.map((c) => one(posted[`${f.name}.${i}.${c}`]) ?? "");
      if (cells.some((c) => c !== "")) rows.push(cells);
    }
    values.rows[f.name] = rows;
    if (JSON.stringify(rows) === JSON.stringify(shown.rows[f.name])) continue;
    const decoded = decodeRows(f, rows, getAt(stored, f.path), shown.rows[f.name] ?? []);
    issues.push(...decoded.issues);
    setAt(config, f.path, decoded.value);
  }
  return { config, values, json: jsonText ?? JSON.stringify(stored, null, 2), issues };
}

/** Issues by the form field they belong to (the deepest field whose path starts the issue's); the rest under "". */
export function issuesByField(form: ProfileForm, issues: Issue[]): Map<string, Issue[]> {
  const fields = allFields(form.fields);
  const out = new Map<string, Issue[]>();
  for (const issue of issues) {
    const at = issue.path.map(String);
    const owner = fields
      .filter((f) => f.path.length <= at.length && f.path.every((p, i) => p === at[i]))
      .sort((a, b) => b.path.length - a.path.length)[0];
    const key = owner?.name ?? "";
    out.set(key, [...(out.get(key) ?? []), issue]);
  }
  return out;
}

export function issueText(issue: Issue): string {
  return `${issue.path.map(String).join(".") || "(settings)"}: ${issue.message}`;
}

export function columnNames(f: Extract<Field, { kind: "rows" }>): string[] {
  return [...(f.keyed ? [KEY_COLUMN] : []), ...f.columns.map((c) => c.name)];
}

// ------------------------------------------------------------------ schema → fields

interface Unwrapped {
  inner: z.ZodType;
  optional: boolean;
  defaultValue?: unknown;
  help?: string;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let s = schema;
  let optional = false;
  let defaultValue: unknown;
  let help = s.description;
  for (;;) {
    if (s instanceof z.ZodOptional) {
      optional = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      optional = true;
      defaultValue ??= s.def.defaultValue;
      s = s.unwrap() as z.ZodType;
    } else break;
    help ??= s.description;
  }
  return { inner: s, optional, defaultValue, help };
}

function scalarOf(u: Unwrapped): Scalar | null {
  const base = { options: [] as string[], required: !u.optional, defaultValue: u.defaultValue };
  if (u.inner instanceof z.ZodString) return { ...base, kind: "text" };
  if (u.inner instanceof z.ZodNumber) return { ...base, kind: "number" };
  if (u.inner instanceof z.ZodBoolean) return { ...base, kind: "checkbox" };
  if (u.inner instanceof z.ZodEnum) return { ...base, kind: "select", options: u.inner.options.map(String) };
  return null;
}

function objectFields(obj: z.ZodObject, path: string[], jsonOnly: string[]): Field[] {
  const fields: Field[] = [];
  for (const [key, schema] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
    const at = [...path, key];
    const u = unwrap(schema);
    const base = { path: at, name: at.join("."), label: humanize(key), help: u.help };
    const scalar = scalarOf(u);
    const rows = u.inner instanceof z.ZodRecord && u.inner.keyType instanceof z.ZodString ? rowsOf(u.inner.valueType as z.ZodType) : u.inner instanceof z.ZodArray ? rowsOf(u.inner.element as z.ZodType) : null;
    if (!KEY.test(key)) {
      jsonOnly.push(base.name);
    } else if (scalar) {
      fields.push({ ...base, kind: "scalar", scalar });
    } else if (u.inner instanceof z.ZodObject) {
      const inner = objectFields(u.inner, at, jsonOnly);
      if (inner.length > 0) fields.push({ ...base, kind: "group", fields: inner });
    } else if (rows && u.inner instanceof z.ZodRecord) {
      // "SKU → destination item id/code." names the key column "SKU".
      const keyLabel = /^([^→]{1,40}?) → /.exec(u.help ?? "")?.[1] ?? "Key";
      fields.push({ ...base, kind: "rows", keyed: true, keyLabel, ...rows });
    } else if (rows) {
      fields.push({ ...base, kind: "rows", keyed: false, keyLabel: "", ...rows });
    } else {
      jsonOnly.push(base.name);
    }
  }
  return fields;
}

function rowsOf(entry: z.ZodType): { columns: Column[]; objectValues: boolean } | null {
  const u = unwrap(entry);
  const single = scalarOf(u);
  if (single && single.kind !== "checkbox") return { columns: [{ name: VALUE_COLUMN, label: "Value", scalar: single }], objectValues: false };
  if (!(u.inner instanceof z.ZodObject)) return null;
  const columns: Column[] = [];
  for (const [key, schema] of Object.entries(u.inner.shape as Record<string, z.ZodType>)) {
    const scalar = KEY.test(key) ? scalarOf(unwrap(schema)) : null;
    // A row with every cell empty is no row, so an unchecked box could not be told from a row left blank.
    if (!scalar || scalar.kind === "checkbox") return null;
    columns.push({ name: key, label: humanize(key), scalar });
  }
  return columns.length > 0 ? { columns, objectValues: true } : null;
}

function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().replace(/\bid\b/g, "ID");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ------------------------------------------------------------------ values ↔ form text

/** The text an input shows for a value, or null when no input can hold it exactly (then it is edited as JSON). */
function encodeScalar(s: Scalar, value: unknown): string | null {
  if (value === undefined) return "";
  switch (s.kind) {
    case "checkbox":
      return typeof value === "boolean" ? (value ? "on" : "") : null;
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
    default:
      // Browsers strip line breaks from a text input's value.
      return typeof value === "string" && !/[\r\n]/.test(value) ? value : null;
  }
}

function decodeScalar(s: Scalar, raw: string): unknown {
  switch (s.kind) {
    case "checkbox":
      return raw === "on";
    case "number": {
      const t = raw.trim();
      if (t === "") return s.required ? raw : undefined;
      return NUMBER.test(t) ? Number(t) : raw;
    }
    default:
      return raw === "" && !s.required ? undefined : raw;
  }
}

function encodeRows(f: Extract<Field, { kind: "rows" }>, value: unknown): string[][] | null {
  if (value === undefined) return [];
  if (f.keyed ? !isPlainObject(value) : !Array.isArray(value)) return null;
  const entries: Array<[string | null, unknown]> = f.keyed ? Object.entries(value as Record<string, unknown>) : (value as unknown[]).map((v) => [null, v]);
  const rows: string[][] = [];
  for (const [key, entry] of entries) {
    if (key !== null && (key === "" || /[\r\n]/.test(key))) return null;
    let cells: Array<string | null>;
    if (f.objectValues) {
      if (!isPlainObject(entry) || Object.keys(entry).some((k) => !f.columns.some((c) => c.name === k))) return null;
      cells = f.columns.map((c) => encodeScalar(c.scalar, entry[c.name]));
    } else {
      cells = [encodeScalar(f.columns[0]!.scalar, entry)];
    }
    if (cells.some((c) => c === null)) return null;
    const row = [...(key !== null ? [key] : []), ...(cells as string[])];
    // An entry whose every cell is empty would read back as no entry.
    if (row.every((c) => c === "")) return null;
    rows.push(row);
  }
  return rows;
}

/**
 * The collection a changed table stands for. Cells posted as they were shown keep their stored value exactly (an
 * optional "" stays ""), so editing one row does not rewrite the others; other cells are read from their text.
 */
function decodeRows(f: Extract<Field, { kind: "rows" }>, rows: string[][], stored: unknown, shown: string[][]): { value: unknown; issues: Issue[] } {
  const issues: Issue[] = [];
  const cell = (j: number, raw: string, was: { cells: string[]; value: unknown } | undefined): [boolean, unknown] => {
    const column = f.columns[j]!;
    if (was && was.cells[j] === raw) {
      if (!f.objectValues) return [true, was.value];
      const prev = was.value as Record<string, unknown>;
      return [Object.hasOwn(prev, column.name), prev[column.name]];
    }
    const v = decodeScalar(column.scalar, raw);
    return [v !== undefined, v];
  };
  const entry = (cells: string[], was: { cells: string[]; value: unknown } | undefined): unknown => {
    if (!f.objectValues) return cell(0, cells[0]!, was)[1];
    const out: Record<string, unknown> = {};
    f.columns.forEach((c, j) => {
      const [present, v] = cell(j, cells[j]!, was);
      if (present) out[c.name] = v;
    });
    return out;
  };
  if (!f.keyed) {
    const list = Array.isArray(stored) ? stored : [];
    const unused = new Set(shown.map((_, i) => i));
    const value = rows.map((cells) => {
      const k = [...unused].find((i) => JSON.stringify(shown[i]) === JSON.stringify(cells));
      if (k === undefined) return entry(cells, undefined);
      unused.delete(k);
      return entry(cells, { cells, value: list[k] });
    });
    return { value, issues };
  }
  const prev = isPlainObject(stored) ? stored : {};
  const out: Record<string, unknown> = {};
  rows.forEach(([key, ...cells], i) => {
    if (!key) issues.push({ path: f.path, message: `row ${i + 1} has no key` });
    else if (Object.hasOwn(out, key)) issues.push({ path: [...f.path, key], message: `the key "${key}" is given twice` });
    else {
      const shownRow = shown.find((r) => r[0] === key);
      out[key] = entry(cells, shownRow && Object.hasOwn(prev, key) ? { cells: shownRow.slice(1), value: prev[key] } : undefined);
    }
  });
  return { value: out, issues };
}

// ------------------------------------------------------------------ helpers

function one(v: Posted[string] | undefined): string | undefined {
  const last = Array.isArray(v) ? v.at(-1) : v;
  return typeof last === "string" ? last : undefined;
}

/** A checkbox posts a hidden "" (so the field is known to be on the page) and "on" when ticked. */
function checkbox(v: Posted[string] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).includes("on") ? "on" : "";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function getAt(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Sets a path (making the objects on the way); undefined removes the key so the schema's default applies. */
function setAt(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}
