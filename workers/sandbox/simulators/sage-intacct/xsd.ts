// Intacct's api.v3.0.xsd parsed once per isolate (fast-xml-parser) and a validator of request documents against it.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import apiXsd from "../../../../../shared/specs/sage-intacct/api.v3.0.xsd";

import { attr, kids, tag, type XNode } from "./ordered";

export type { XNode };

type Particle =
  | { kind: "element"; name: string; decl: () => ElementDecl; min: number; max: number }
  | { kind: "sequence" | "choice" | "all"; items: Particle[]; min: number; max: number }
  | { kind: "any"; min: number; max: number };

interface SimpleDecl {
  enums?: string[];
  minLength?: number;
  maxLength?: number;
  minInclusive?: number;
  maxInclusive?: number;
  integer?: boolean;
  boolean?: boolean;
}

interface AttrDecl {
  name: string;
  required: boolean;
  simple?: SimpleDecl;
}

export interface ElementDecl {
  name: string;
  /** null: text-only content. */
  model: Particle | null;
  mixed: boolean;
  attributes: AttrDecl[];
  simple?: SimpleDecl;
}

export interface XsdIssue {
  /** libxml2-style message, as Intacct's gateway reports schema errors in XL03000003. */
  message: string;
}

const ORDERED = { preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, parseAttributeValue: false, trimValues: true } as const;

let globals: Map<string, XNode> | null = null;
let namedComplex: Map<string, XNode>;
let namedSimple: Map<string, XNode>;
let groups: Map<string, XNode>;
const compiled = new Map<string, ElementDecl>();

/** Loads the XSD's top-level declarations (element, complexType, simpleType, group) once per isolate. */
function load(): void {
  if (globals) return;
  const doc = new XMLParser(ORDERED).parse(apiXsd) as XNode[];
  const schema = doc.find((n) => tag(n) === "xs:schema")!;
  globals = new Map();
  namedComplex = new Map();
  namedSimple = new Map();
  groups = new Map();
  for (const n of kids(schema)) {
    const name = attr(n, "name");
    if (!name) continue;
    const t = tag(n);
    if (t === "xs:element") globals.set(name, n);
    else if (t === "xs:complexType") namedComplex.set(name, n);
    else if (t === "xs:simpleType") namedSimple.set(name, n);
    else if (t === "xs:group") groups.set(name, n);
  }
}

function occurs(n: XNode): { min: number; max: number } {
  const min = attr(n, "minOccurs");
  const max = attr(n, "maxOccurs");
  return { min: min === undefined ? 1 : Number(min), max: max === undefined ? 1 : max === "unbounded" ? Infinity : Number(max) };
}

function simpleFrom(n: XNode | undefined, base?: string): SimpleDecl | undefined {
  if (!n) {
    if (base === "xs:boolean") return { boolean: true };
    if (base === "xs:integer" || base === "xs:int" || base === "xs:long") return { integer: true };
    return undefined;
  }
  const r = kids(n).find((k) => tag(k) === "xs:restriction");
  if (!r) return undefined;
  const out: SimpleDecl = simpleFrom(undefined, attr(r, "base")) ?? {};
  const named = attr(r, "base");
  if (named && namedSimple.has(named)) Object.assign(out, simpleFrom(namedSimple.get(named)));
  const enums: string[] = [];
  for (const f of kids(r)) {
    const v = attr(f, "value");
    if (v === undefined) continue;
    switch (tag(f)) {
      case "xs:enumeration":
        enums.push(v);
        break;
      case "xs:minLength":
        out.minLength = Number(v);
        break;
      case "xs:maxLength":
        out.maxLength = Number(v);
        break;
      case "xs:minInclusive":
        out.minInclusive = Number(v);
        break;
      case "xs:maxInclusive":
        out.maxInclusive = Number(v);
        break;
    }
  }
  if (enums.length) out.enums = enums;
  return out;
}

function simpleType(type: string | undefined, inline: XNode | undefined): SimpleDecl | undefined {
  if (inline) return simpleFrom(inline);
  if (!type) return undefined;
  if (namedSimple.has(type)) return simpleFrom(namedSimple.get(type));
  return simpleFrom(undefined, type);
}

function particle(n: XNode): Particle | null {
  const t = tag(n);
  const o = occurs(n);
  if (t === "xs:element") {
    const ref = attr(n, "ref");
    if (ref) return { kind: "element", name: ref, decl: () => declare(ref), ...o };
    const name = attr(n, "name")!;
    let local: ElementDecl | null = null;
    return { kind: "element", name, decl: () => (local ??= compileElement(n)), ...o };
  }
  if (t === "xs:sequence" || t === "xs:choice" || t === "xs:all") {
    const items = kids(n).map(particle).filter((p): p is Particle => p !== null);
    return { kind: t.slice(3) as "sequence" | "choice" | "all", items, ...o };
  }
  if (t === "xs:group") {
    const g = groups.get(attr(n, "ref") ?? "");
    const inner = g ? kids(g).map(particle).find((p) => p !== null) : null;
    return inner ? { kind: "sequence", items: [inner], ...o } : null;
  }
  if (t === "xs:any") return { kind: "any", ...o };
  return null;
}

function attributesOf(ct: XNode): AttrDecl[] {
  return kids(ct)
    .filter((k) => tag(k) === "xs:attribute")
    .map((a) => ({ name: attr(a, "name")!, required: attr(a, "use") === "required", simple: simpleType(attr(a, "type"), kids(a).find((k) => tag(k) === "xs:simpleType")) }));
}

function compileComplex(name: string, ct: XNode): ElementDecl {
  const model = kids(ct).map(particle).find((p) => p !== null) ?? null;
  return { name, model, mixed: attr(ct, "mixed") === "true", attributes: attributesOf(ct) };
}

function compileElement(n: XNode): ElementDecl {
  const name = attr(n, "name")!;
  const inlineComplex = kids(n).find((k) => tag(k) === "xs:complexType");
  if (inlineComplex) return compileComplex(name, inlineComplex);
  const type = attr(n, "type");
  if (type && namedComplex.has(type)) return compileComplex(name, namedComplex.get(type)!);
  return { name, model: null, mixed: true, attributes: [], simple: simpleType(type, kids(n).find((k) => tag(k) === "xs:simpleType")) };
}

/** The compiled declaration of a top-level element (compiled lazily, only for elements that occur). */
export function declare(name: string): ElementDecl {
  load();
  const hit = compiled.get(name);
  if (hit) return hit;
  const n = globals!.get(name);
  if (!n) throw new Error(`XSD declares no element ${name}`);
  const d = compileElement(n);
  compiled.set(name, d);
  return d;
}

// ------------------------------------------------------------------ content-model matching

/** Every position the particle can end at when it starts at `from`. */
function ends(p: Particle, names: string[], from: number): Set<number> {
  let frontier = new Set([from]);
  const results = new Set<number>();
  if (p.min === 0) results.add(from);
  for (let rep = 1; rep <= p.max && frontier.size > 0; rep++) {
    const next = new Set<number>();
    for (const at of frontier) for (const e of once(p, names, at)) if (e > at || rep <= p.min) next.add(e);
    if (rep >= p.min) for (const e of next) results.add(e);
    if ([...next].every((e) => frontier.has(e))) break;
    frontier = next;
  }
  return results;
}

function once(p: Particle, names: string[], at: number): Set<number> {
  switch (p.kind) {
    case "element":
      return names[at] === p.name ? new Set([at + 1]) : new Set();
    case "any":
      return at < names.length ? new Set([at + 1]) : new Set();
    case "choice": {
      const out = new Set<number>();
      for (const item of p.items) for (const e of ends(item, names, at)) out.add(e);
      return out;
    }
    case "sequence": {
      let cur = new Set([at]);
      for (const item of p.items) {
        const next = new Set<number>();
        for (const c of cur) for (const e of ends(item, names, c)) next.add(e);
        cur = next;
        if (cur.size === 0) break;
      }
      return cur;
    }
    case "all": {
      const used = new Set<number>();
      let pos = at;
      for (;;) {
        const i = p.items.findIndex((item, k) => !used.has(k) && item.kind === "element" && item.name === names[pos]);
        if (i < 0) break;
        used.add(i);
        pos++;
      }
      const missing = p.items.some((item, k) => !used.has(k) && item.min > 0);
      return missing ? new Set() : new Set([pos]);
    }
  }
}

function elementNames(p: Particle, out = new Set<string>()): Set<string> {
  if (p.kind === "element") out.add(p.name);
  else if (p.kind !== "any") for (const i of p.items) elementNames(i, out);
  return out;
}

interface Consumed {
  ends: Set<number>;
  /** The input ran out inside the particle: the names so far are a prefix of something it accepts. */
  partial: boolean;
}

/** Like `ends`, also telling whether the names are a viable prefix (the model could still be completed after them). */
function consume(p: Particle, names: string[], from: number): Consumed {
  let frontier = new Set([from]);
  const out: Consumed = { ends: new Set(), partial: false };
  if (p.min === 0) out.ends.add(from);
  for (let rep = 1; rep <= p.max && frontier.size > 0; rep++) {
    const next = new Set<number>();
    for (const at of frontier) {
      const r = consumeOnce(p, names, at);
      out.partial ||= r.partial;
      for (const e of r.ends) if (e > at || rep <= p.min) next.add(e);
    }
    if (rep >= p.min) for (const e of next) out.ends.add(e);
    if ([...next].every((e) => frontier.has(e))) break;
    frontier = next;
  }
  return out;
}

function consumeOnce(p: Particle, names: string[], at: number): Consumed {
  const atEnd = at >= names.length;
  switch (p.kind) {
    case "element":
      return names[at] === p.name ? { ends: new Set([at + 1]), partial: false } : { ends: new Set(), partial: atEnd };
    case "any":
      return atEnd ? { ends: new Set(), partial: true } : { ends: new Set([at + 1]), partial: false };
    case "choice": {
      const out: Consumed = { ends: new Set(), partial: false };
      for (const item of p.items) {
        const r = consume(item, names, at);
        r.ends.forEach((e) => out.ends.add(e));
        out.partial ||= r.partial;
      }
      return out;
    }
    case "sequence": {
      let cur = new Set([at]);
      let partial = false;
      for (const item of p.items) {
        const next = new Set<number>();
        for (const c of cur) {
          const r = consume(item, names, c);
          r.ends.forEach((e) => next.add(e));
          partial ||= r.partial;
        }
        cur = next;
        if (cur.size === 0) break;
      }
      return { ends: cur, partial };
    }
    case "all": {
      const r = once(p, names, at);
      return { ends: r, partial: atEnd || r.size === 0 };
    }
  }
}

function viable(model: Particle, names: string[]): boolean {
  const r = consume(model, names, 0);
  return r.partial || r.ends.has(names.length);
}

/** null when the children match the content model; otherwise libxml2's wording for the first problem. */
function describeChildren(d: ElementDecl, names: string[]): string | null {
  const model = d.model!;
  if (ends(model, names, 0).has(names.length)) return null;
  // The longest prefix the model could still complete locates the problem.
  let k = names.length;
  while (k > 0 && !viable(model, names.slice(0, k))) k--;
  const candidates = (prefix: string[]) => [...elementNames(model)].filter((c) => viable(model, [...prefix, c]));
  if (k < names.length) {
    const expected = candidates(names.slice(0, k));
    return `Element '${names[k]}': This element is not expected.${expected.length ? ` Expected is ( ${expected.join(", ")} ).` : ""}`;
  }
  const expected = candidates(names);
  return `Element '${d.name}': Missing child element(s).${expected.length ? ` Expected is ( ${expected.join(", ")} ).` : ""}`;
}

function checkSimple(s: SimpleDecl | undefined, value: string, where: string, issues: XsdIssue[]): void {
  if (!s) return;
  if (s.enums && !s.enums.includes(value)) issues.push({ message: `${where}: [facet 'enumeration'] The value '${value}' is not an element of the set {${s.enums.map((e) => `'${e}'`).join(", ")}}.` });
  if (s.boolean && !["true", "false", "1", "0"].includes(value)) issues.push({ message: `${where}: '${value}' is not a valid value of the atomic type 'xs:boolean'.` });
  if (s.integer && !/^[+-]?\d+$/.test(value)) issues.push({ message: `${where}: '${value}' is not a valid value of the atomic type 'xs:integer'.` });
  if (s.maxLength !== undefined && value.length > s.maxLength) issues.push({ message: `${where}: [facet 'maxLength'] The value has a length of '${value.length}'; this exceeds the allowed maximum length of '${s.maxLength}'.` });
  if (s.minInclusive !== undefined && Number(value) < s.minInclusive) issues.push({ message: `${where}: [facet 'minInclusive'] The value '${value}' is less than the minimum value allowed ('${s.minInclusive}').` });
  if (s.maxInclusive !== undefined && Number(value) > s.maxInclusive) issues.push({ message: `${where}: [facet 'maxInclusive'] The value '${value}' is greater than the maximum value allowed ('${s.maxInclusive}').` });
}

function validateNode(n: XNode, d: ElementDecl, issues: XsdIssue[]): void {
  const children = kids(n).filter((k) => tag(k) !== "#text");
  const text = kids(n).filter((k) => tag(k) === "#text").map((k) => String(k["#text"])).join("");
  const attrs = n[":@"] ?? {};
  for (const a of d.attributes) {
    const v = attrs[`@_${a.name}`];
    if (v === undefined) {
      if (a.required) issues.push({ message: `Element '${d.name}': The attribute '${a.name}' is required but missing.` });
    } else checkSimple(a.simple, v, `Element '${d.name}', attribute '${a.name}'`, issues);
  }
  for (const k of Object.keys(attrs)) {
    const name = k.slice(2);
    if (!d.attributes.some((a) => a.name === name)) issues.push({ message: `Element '${d.name}', attribute '${name}': The attribute '${name}' is not allowed.` });
  }
  if (d.model === null) {
    if (children.length) issues.push({ message: `Element '${d.name}': Element content is not allowed, because the content type is a simple type definition.` });
    checkSimple(d.simple, text, `Element '${d.name}'`, issues);
    return;
  }
  if (text.trim() && !d.mixed) issues.push({ message: `Element '${d.name}': Character content other than whitespace is not allowed because the content type is 'element-only'.` });
  const names = children.map(tag);
  const problem = describeChildren(d, names);
  if (problem) {
    issues.push({ message: problem });
    return;
  }
  // Each child against the declaration its particle gives it.
  const decls = new Map<string, () => ElementDecl>();
  const collect = (p: Particle) => {
    if (p.kind === "element") decls.set(p.name, decls.get(p.name) ?? p.decl);
    else if (p.kind !== "any") p.items.forEach(collect);
  };
  collect(d.model);
  for (const c of children) {
    const decl = decls.get(tag(c));
    if (decl) validateNode(c, decl(), issues);
  }
}

/** Parses a request body in document order; throws a libxml2-style message when it is not well formed. */
export function parseOrdered(xml: string): XNode[] {
  const ok = XMLValidator.validate(xml);
  if (ok !== true) throw new XmlSyntaxError(`XML Parse schema error: Fatal Error: ${ok.err.msg} Line: ${ok.err.line}, column: ${ok.err.col}.`);
  return new XMLParser(ORDERED).parse(xml) as XNode[];
}

export class XmlSyntaxError extends Error {
  override name = "XmlSyntaxError";
}

/** Validates a parsed request document: root `request`, then every element against api.v3.0.xsd. */
export function validateRequest(doc: XNode[]): XsdIssue[] {
  const roots = doc.filter((n) => !["?xml", "#text"].includes(tag(n)));
  const issues: XsdIssue[] = [];
  if (roots.length !== 1 || tag(roots[0]!) !== "request") {
    issues.push({ message: `Element '${roots[0] ? tag(roots[0]) : ""}': No matching global declaration available for the validation root.` });
    return issues;
  }
  validateNode(roots[0]!, declare("request"), issues);
  return issues;
}

