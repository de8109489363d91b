// S/4HANA simulator: every request body checked against the EDMX — unknown properties, wrong types, too-long strings.
import type { EdmEntityType, EdmProperty, EdmService } from "./edmx";

/**
 * An OData V2 failure answered with SAP Gateway's error body. Codes of class /IWBEP/CM_MGW_RT are the Gateway's
 * runtime messages (020 "Resource not found for segment" is verified; 021 for a payload property the service does
 * not accept and 190 for ETag preconditions are taken from secondary sources [UNVERIFIED]).
 */
export class ODataFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target = "",
  ) {
    super(message);
  }
}

export const INVALID_PROPERTY = "/IWBEP/CM_MGW_RT/021";
export const NOT_FOUND = "/IWBEP/CM_MGW_RT/020";
export const PRECONDITION = "/IWBEP/CM_MGW_RT/190";

type Rec = Record<string, unknown>;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

function invalid(prop: EdmProperty, value: unknown, path: string): ODataFailure {
  return new ODataFailure(400, INVALID_PROPERTY, `Property '${prop.name}' has invalid value '${typeof value === "string" ? value : JSON.stringify(value)}'`, `${path}${prop.name}`);
}

/** OData V2 JSON literal forms (Edm.Decimal and Edm.Int64 as strings, Edm.DateTime as "/Date(ms)/"). */
export function checkValue(prop: EdmProperty, value: unknown, path: string): void {
  if (value === null) {
    if (!prop.nullable) throw new ODataFailure(400, INVALID_PROPERTY, `Property '${prop.name}' must not be null`, `${path}${prop.name}`);
    return;
  }
  switch (prop.type) {
    case "Edm.String":
      if (typeof value !== "string") throw invalid(prop, value, path);
      if (prop.maxLength !== undefined && value.length > prop.maxLength) {
        throw new ODataFailure(400, INVALID_PROPERTY, `Value '${value}' is too long for property '${prop.name}' (maximum length ${prop.maxLength})`, `${path}${prop.name}`);
      }
      return;
    case "Edm.Decimal": {
      const m = typeof value === "string" ? DECIMAL.exec(value) : null;
      if (!m) throw invalid(prop, value, path);
      const scale = prop.scale ?? 0;
      const intDigits = m[2]!.replace(/^0+(?=\d)/, "").length;
      const frac = (m[3] ?? "").replace(/0+$/, "");
      if (frac.length > scale || (prop.precision !== undefined && intDigits > prop.precision - scale)) throw invalid(prop, value, path);
      return;
    }
    case "Edm.Boolean":
      if (typeof value !== "boolean") throw invalid(prop, value, path);
      return;
    case "Edm.DateTime":
      if (typeof value !== "string" || !/^\/Date\(-?\d+\)\/$/.test(value)) throw invalid(prop, value, path);
      return;
    case "Edm.DateTimeOffset":
      if (typeof value !== "string" || !/^\/Date\(-?\d+([+-]\d{4})?\)\/$/.test(value)) throw invalid(prop, value, path);
      return;
    case "Edm.Time":
      if (typeof value !== "string" || !/^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?$/.test(value)) throw invalid(prop, value, path);
      return;
    case "Edm.Double":
      if (typeof value !== "number" && !(typeof value === "string" && /^-?\d+(\.\d+)?(E[+-]?\d+)?$/i.test(value))) throw invalid(prop, value, path);
      return;
    default:
      if (typeof value !== "string" && typeof value !== "number") throw invalid(prop, value, path);
  }
}

/** A deep-insert navigation value: an array, or V2's `{"results": [...]}`. */
export function navItems(value: unknown): Rec[] | null {
  const list = Array.isArray(value) ? value : typeof value === "object" && value !== null && Array.isArray((value as Rec).results) ? ((value as Rec).results as unknown[]) : null;
  if (!list || !list.every((x) => typeof x === "object" && x !== null && !Array.isArray(x))) return null;
  return list as Rec[];
}

/**
 * Validates a payload for `type`: create (deep insert allowed, read-only properties refused) or update (flat,
 * non-updatable properties refused). Throws ODataFailure with the offending property as target.
 */
export function validateEntity(svc: EdmService, type: EdmEntityType, body: Rec, mode: "create" | "update", path = ""): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === "__metadata") continue;
    const nav = type.navigation.get(key);
    if (nav) {
      if (mode === "update") throw new ODataFailure(400, INVALID_PROPERTY, `Navigation property '${key}' cannot be changed with an update; deep update is not supported`, `${path}${key}`);
      const target = svc.types.get(nav.target);
      const items = navItems(value);
      if (!target || !items) throw new ODataFailure(400, INVALID_PROPERTY, `Property '${key}' is invalid`, `${path}${key}`);
      items.forEach((item, i) => validateEntity(svc, target, item, "create", `${path}${key}(${i + 1})/`));
      continue;
    }
    const prop = type.properties.get(key);
    if (!prop) throw new ODataFailure(400, INVALID_PROPERTY, `Property '${key}' is invalid`, `${path}${key}`);
    const keyed = type.keys.includes(key);
    if (mode === "create" && !prop.creatable && !keyed) throw new ODataFailure(400, INVALID_PROPERTY, `Property '${key}' cannot be set on creation`, `${path}${key}`);
    if (mode === "update" && (!prop.updatable || keyed)) throw new ODataFailure(400, INVALID_PROPERTY, `Property '${key}' cannot be updated`, `${path}${key}`);
    checkValue(prop, value, path);
  }
}
