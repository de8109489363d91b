// Intuit's v3 XSDs parsed once per isolate into a type table, and a validator of QBO JSON entities against it.
import { XMLParser } from "fast-xml-parser";
import baseXsd from "../../../../../shared/specs/quickbooks-online/IntuitBaseTypes.xsd";
import namesXsd from "../../../../../shared/specs/quickbooks-online/IntuitNamesTypes.xsd";
import financeXsd from "../../../../../shared/specs/quickbooks-online/Finance.xsd";
import restXsd from "../../../../../shared/specs/quickbooks-online/IntuitRestServiceDef.xsd";

/** One element a complex type may hold (JSON uses the element names as keys). */
interface Particle {
  name: string;
  type: string;
  min: number;
  max: number;
  /** Choice group the element belongs to (at most one member of a group may appear). */
  choice?: number;
  /** QBO string length limit, read from the element's documentation ("Max. length: 100", "ValidRange: QBO: max=21"). */
  maxLength?: number;
}

interface ComplexType {
  base?: string;
  particles: Particle[];
  attributes: string[];
  /** Declared type of each attribute (OperationEnum for BatchItemRequest's operation). */
  attributeTypes: Record<string, string>;
  /** simpleContent types (ReferenceType) carry their text as JSON "value". */
  simpleBase?: string;
  any?: boolean;
}

interface SimpleType {
  base: string;
  enums?: string[];
}

export interface XsdIssue {
  /** Intuit error code: 2010 unknown property or unreadable value, 2020 required missing, 2050 length, 2170 enumeration. */
  code: string;
  message: string;
  detail: string;
  element: string;
}

type Node = Record<string, unknown>;

const complexTypes = new Map<string, ComplexType>();
const simpleTypes = new Map<string, SimpleType>();
let loaded = false;
let choiceSeq = 0;

function arr(v: unknown): Node[] {
  return Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node];
}

function attr(n: Node, name: string): string | undefined {
  const v = n[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

function docText(n: Node): string {
  const out: string[] = [];
  for (const a of arr(n.annotation)) {
    for (const d of arr(a.documentation)) out.push(typeof d === "string" ? d : String((d as Node)["#text"] ?? ""));
  }
  return out.join("\n");
}

/**
 * The QBO limit for a string element, from Intuit's own documentation text: "ValidRange: QBO: max=N" first, then a
 * "Max length" sentence in the QBO part of the text (documentation often gives QBW and QBO limits side by side).
 */
function qboMaxLength(doc: string): number | undefined {
  const range = /ValidRange:\s*QBO:\s*max=(\d+)/.exec(doc);
  if (range) return Number(range[1]);
  let segment = doc;
  const product = /Product:\s*QBO\b([\s\S]*?)(?=Product:|$)/.exec(doc);
  if (product) segment = product[1]!;
  else if (/Product:\s*QBW|QBW:/.test(doc)) {
    const qbo = /QBO:([\s\S]*?)(?=QBW:|$)/.exec(doc);
    if (!qbo) return undefined;
    segment = qbo[1]!;
  }
  const m = /max(?:imum|\.)?\s*length(?:\s+for\s+\w+)?(?:\s+is|:)?\s*(\d[\d,]*)/i.exec(segment);
  return m ? Number(m[1]!.replace(/,/g, "")) : undefined;
}

function readParticles(container: Node, into: ComplexType, owner: string, choice?: number): void {
  for (const el of arr(container.element)) {
    const name = attr(el, "name");
    if (!name) continue;
    let type = attr(el, "type");
    if (!type) {
      const inline = arr(el.complexType)[0];
      type = `${owner}.${name}`;
      if (inline) readComplexType(type, inline);
      else simpleTypes.set(type, { base: "xs:string" });
    }
    const minAttr = attr(el, "minOccurs");
    const maxAttr = attr(el, "maxOccurs");
    const doc = docText(el);
    into.particles.push({
      name,
      type,
      min: minAttr === undefined ? 1 : Number(minAttr),
      max: maxAttr === undefined ? 1 : maxAttr === "unbounded" ? Infinity : Number(maxAttr),
      choice,
      maxLength: type === "xs:string" ? qboMaxLength(doc) : undefined,
    });
  }
  for (const seq of arr(container.sequence)) readParticles(seq, into, owner, choice);
  for (const ch of arr(container.choice)) readParticles(ch, into, owner, ++choiceSeq);
  for (const g of arr(container.group)) {
    const ref = attr(g, "ref");
    if (ref) into.particles.push({ name: `group:${ref}`, type: `group:${ref}`, min: 0, max: 1 });
  }
  if (arr(container.any).length > 0) into.any = true;
  for (const a of arr(container.attribute)) {
    const n = attr(a, "name");
    if (n) {
      into.attributes.push(n);
      into.attributeTypes[n] = attr(a, "type") ?? "xs:string";
    }
  }
}

function readComplexType(name: string, node: Node): void {
  const ct: ComplexType = { particles: [], attributes: [], attributeTypes: {} };
  for (const cc of arr(node.complexContent)) {
    for (const ext of [...arr(cc.extension), ...arr(cc.restriction)]) {
      ct.base = attr(ext, "base");
      readParticles(ext, ct, name);
    }
  }
  for (const sc of arr(node.simpleContent)) {
    for (const ext of [...arr(sc.extension), ...arr(sc.restriction)]) {
      ct.simpleBase = attr(ext, "base");
      readParticles(ext, ct, name);
    }
  }
  readParticles(node, ct, name);
  complexTypes.set(name, ct);
}

function readSimpleType(name: string, node: Node): void {
  const r = arr(node.restriction)[0];
  if (!r) {
    simpleTypes.set(name, { base: "xs:string" });
    return;
  }
  const enums = arr(r.enumeration).map((e) => attr(e, "value")!).filter((v) => v !== undefined);
  simpleTypes.set(name, { base: attr(r, "base") ?? "xs:string", enums: enums.length ? enums : undefined });
}

const groups = new Map<string, ComplexType>();
/** Elements of the IntuitObject substitution group (IntuitRestServiceDef.xsd): the entities a batch item may carry. */
const intuitObjects = new Set<string>();

/** Parses the XSDs once per isolate (fast-xml-parser), keeping only what validation needs. */
export function loadSchema(): void {
  if (loaded) return;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    isArray: (_name, _jpath, _leaf, isAttribute) => !isAttribute,
  });
  for (const text of [baseXsd, namesXsd, financeXsd, restXsd]) {
    const doc = parser.parse(text) as Node;
    const schema = arr(doc.schema)[0]!;
    for (const el of arr(schema.element)) if (attr(el, "substitutionGroup") === "IntuitObject") intuitObjects.add(attr(el, "name")!);
    for (const st of arr(schema.simpleType)) readSimpleType(attr(st, "name")!, st);
    for (const ct of arr(schema.complexType)) readComplexType(attr(ct, "name")!, ct);
    for (const g of arr(schema.group)) {
      const ct: ComplexType = { particles: [], attributes: [], attributeTypes: {} };
      readParticles(g, ct, attr(g, "name")!);
      groups.set(attr(g, "name")!, ct);
    }
  }
  loaded = true;
}

/** Every element of a complex type, inherited ones first, with group references expanded. */
function particlesOf(typeName: string): { particles: Particle[]; attributes: string[]; simpleBase?: string; any: boolean } {
  const chain: ComplexType[] = [];
  let t = complexTypes.get(typeName);
  while (t) {
    chain.unshift(t);
    t = t.base ? complexTypes.get(t.base) : undefined;
  }
  const particles: Particle[] = [];
  const attributes: string[] = [];
  let simpleBase: string | undefined;
  let any = false;
  for (const c of chain) {
    for (const p of c.particles) {
      if (p.type.startsWith("group:")) particles.push(...(groups.get(p.type.slice(6))?.particles ?? []).map((g) => ({ ...g, min: 0 })));
      else particles.push(p);
    }
    attributes.push(...c.attributes);
    simpleBase = c.simpleBase ?? simpleBase;
    any ||= !!c.any;
  }
  return { particles, attributes, simpleBase, any };
}

export function hasEntityType(name: string): boolean {
  loadSchema();
  return complexTypes.has(name);
}

/** Validates one entity body (create, or sparse update when `sparse`) against its XSD type; returns every issue found. */
export function validateEntity(entity: string, body: unknown, sparse: boolean): XsdIssue[] {
  loadSchema();
  const issues: XsdIssue[] = [];
  validateComplex(entity, body, entity, issues, sparse);
  return issues;
}

/** One BatchItemRequest as read: its attributes and the one payload it carries. */
export interface BatchItem {
  bId?: string;
  operation?: string;
  optionsData?: string;
  /** An IntuitObject entity (element name and body), for create, update, delete and void. */
  entity?: { name: string; body: unknown };
  query?: string;
  /** ReportQuery or CDCQuery, valid in the schema. */
  other?: string;
}

const unrecognized = (key: string, type: string, path: string): XsdIssue => ({
  code: "2010",
  message: "Request has invalid or unsupported property",
  detail: `Property Name:Unrecognized field "${key}" (class com.intuit.schema.finance.v3.${type}), not marked as ignorable`,
  element: path,
});

/**
 * Validates an IntuitBatchRequest (IntuitRestServiceDef.xsd) in its JSON form: the BatchItemRequest list, each
 * item's attributes (bId, operation from OperationEnum, optionsData) and exactly one payload — an entity of the
 * IntuitObject group, Query, ReportQuery or CDCQuery. Entity bodies are validated later, item by item, exactly as
 * the single endpoints validate them.
 */
export function validateBatchRequest(body: unknown): { issues: XsdIssue[]; items: BatchItem[] } {
  loadSchema();
  const issues: XsdIssue[] = [];
  const items: BatchItem[] = [];
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: "IntuitBatchRequest must be an object", element: "" });
    return { issues, items };
  }
  const envelope = particlesOf("IntuitBatchRequest").particles;
  for (const key of Object.keys(body)) if (!envelope.some((p) => p.name === key)) issues.push(unrecognized(key, "IntuitBatchRequest", key));
  const list = (body as Node).BatchItemRequest;
  const min = envelope.find((p) => p.name === "BatchItemRequest")?.min ?? 1;
  if (list === undefined || list === null || (Array.isArray(list) && list.length < min)) {
    issues.push({ code: "2020", message: "Required param missing, need to supply the required value for the API", detail: "Required parameter BatchItemRequest is missing in the request", element: "BatchItemRequest" });
    return { issues, items };
  }
  if (!Array.isArray(list)) {
    issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: "BatchItemRequest must be an array", element: "BatchItemRequest" });
    return { issues, items };
  }
  const attributeTypes = complexTypes.get("BatchItemRequest")?.attributeTypes ?? {};
  list.forEach((raw: unknown, i) => {
    const path = `BatchItemRequest[${i}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `${path} must be an object`, element: path });
      return;
    }
    const item: BatchItem = {};
    const payloads: string[] = [];
    const rest: Node = {};
    for (const [key, v] of Object.entries(raw)) {
      if (intuitObjects.has(key)) {
        payloads.push(key);
        item.entity = { name: key, body: v };
      } else if (attributeTypes[key] !== undefined) {
        validateSimple(attributeTypes[key]!, v, `${path}.${key}`, issues);
        if (key === "bId" || key === "operation" || key === "optionsData") item[key] = String(v);
      } else {
        rest[key] = v;
        if (key === "Query") item.query = String(v);
        else if (key === "ReportQuery" || key === "CDCQuery") item.other = key;
        if (key === "Query" || key === "ReportQuery" || key === "CDCQuery") payloads.push(key);
      }
    }
    validateComplex("BatchItemRequest", rest, path, issues);
    if (payloads.length !== 1) {
      issues.push({
        code: "2010",
        message: "Request has invalid or unsupported property",
        detail: `${path} must carry exactly one of an entity, Query, ReportQuery or CDCQuery; it carries ${payloads.length ? payloads.join(", ") : "none"}`,
        element: path,
      });
    }
    items.push(item);
  });
  return { issues, items };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function validateSimple(type: string, value: unknown, path: string, issues: XsdIssue[], maxLength?: number): void {
  const st = simpleTypes.get(type);
  if (st) {
    if (st.enums && !st.enums.includes(String(value))) {
      issues.push({ code: "2170", message: "Invalid Enumeration", detail: `Invalid Enumeration : ${String(value)}`, element: path });
      return;
    }
    validateSimple(st.base, value, path, issues, maxLength);
    return;
  }
  const bad = (what: string): void => {
    issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `${path}: ${JSON.stringify(value)} is not a valid ${what}`, element: path });
  };
  switch (type) {
    case "xs:string":
    case "xs:anyURI":
    case "xs:token":
    case "xs:normalizedString":
      if (typeof value !== "string" && typeof value !== "number") return bad("string");
      if (maxLength !== undefined && String(value).length > maxLength) {
        issues.push({
          code: "2050",
          message: "String length is either shorter or longer than supported by specification",
          detail: `String length specified does not match the supported length. Min:0 Max:${maxLength} supported. Supplied length:${String(value).length}`,
          element: path,
        });
      }
      return;
    case "xs:decimal":
    case "xs:double":
    case "xs:float":
      if (!(typeof value === "number" && Number.isFinite(value)) && !(typeof value === "string" && DECIMAL.test(value))) bad("decimal");
      else if (!DECIMAL.test(typeof value === "number" ? plainNumber(value) : value)) bad("decimal");
      return;
    case "xs:int":
    case "xs:integer":
    case "xs:long":
    case "xs:positiveInteger":
    case "xs:nonNegativeInteger":
      if (!/^-?\d+$/.test(String(value))) bad("integer");
      else if (type === "xs:positiveInteger" && Number(value) <= 0) bad("positive integer");
      return;
    case "xs:boolean":
      if (typeof value !== "boolean" && value !== "true" && value !== "false") bad("boolean");
      return;
    case "xs:date":
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}([+-]\d{2}:\d{2}|Z)?$/.test(value)) bad("date (yyyy-MM-dd)");
      return;
    case "xs:dateTime":
      if (typeof value !== "string" || Number.isNaN(Date.parse(value))) bad("dateTime");
      return;
    default:
      return;
  }
}

function validateComplex(type: string, value: unknown, path: string, issues: XsdIssue[], sparse = false): void {
  if (!complexTypes.has(type)) {
    validateSimple(type, value, path, issues);
    return;
  }
  const { particles, attributes, simpleBase, any } = particlesOf(type);
  if (any || type === "IntuitAnyType") return;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    if (simpleBase && (typeof value === "string" || typeof value === "number")) return;
    issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `${path} must be an object`, element: path });
    return;
  }
  const obj = value as Record<string, unknown>;
  const byName = new Map(particles.map((p) => [p.name, p]));
  const choices = new Map<number, string[]>();
  for (const [key, v] of Object.entries(obj)) {
    if (v === null || v === undefined) continue;
    const child = `${path}.${key}`;
    if (attributes.includes(key)) continue;
    if (simpleBase && key === "value") {
      validateSimple(simpleBase, v, child, issues);
      continue;
    }
    const p = byName.get(key);
    if (!p) {
      issues.push({
        code: "2010",
        message: "Request has invalid or unsupported property",
        detail: `Property Name:Unrecognized field "${key}" (class com.intuit.schema.finance.v3.${type}), not marked as ignorable`,
        element: child,
      });
      continue;
    }
    if (p.choice !== undefined) choices.set(p.choice, [...(choices.get(p.choice) ?? []), key]);
    if (p.max > 1) {
      if (!Array.isArray(v)) {
        issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `${child} must be an array`, element: child });
        continue;
      }
      if (v.length > p.max) issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `${child} allows at most ${p.max}`, element: child });
      v.forEach((item, i) => validateValue(p, item, `${child}[${i}]`, issues));
    } else if (Array.isArray(v)) {
      issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `${child} is not a list`, element: child });
    } else {
      validateValue(p, v, child, issues);
    }
  }
  for (const [, keys] of choices) {
    if (keys.length > 1) {
      issues.push({ code: "2010", message: "Request has invalid or unsupported property", detail: `only one of ${keys.join(", ")} may be given`, element: path });
    }
  }
  if (sparse) return;
  for (const p of particles) {
    if (p.min >= 1 && p.choice === undefined && (obj[p.name] === undefined || obj[p.name] === null)) {
      issues.push({
        code: "2020",
        message: "Required param missing, need to supply the required value for the API",
        detail: `Required parameter ${path}.${p.name} is missing in the request`,
        element: `${path}.${p.name}`,
      });
    }
  }
}

function validateValue(p: Particle, v: unknown, path: string, issues: XsdIssue[]): void {
  if (complexTypes.has(p.type)) validateComplex(p.type, v, path, issues);
  else validateSimple(p.type, v, path, issues, p.maxLength);
}

/** Shortest decimal text of a JSON number without exponent (1e-7 → "0.0000001"). */
export function plainNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mant, expPart] = s.toLowerCase().split("e") as [string, string];
  const e = Number(expPart);
  const neg = mant.startsWith("-");
  const [i, f = ""] = mant.replace("-", "").split(".") as [string, string?];
  const digits = i + f;
  const point = i.length + e;
  const out =
    point <= 0 ? "0." + "0".repeat(-point) + digits : point >= digits.length ? digits + "0".repeat(point - digits.length) : digits.slice(0, point) + "." + digits.slice(point);
  return (neg ? "-" : "") + out;
}
