// The order fields PrestaShop's webservice knows, read from its blank schema (GET /api/orders?schema=blank), and the
// default order states of a stock install, read from its install data: the simulator validates and serves by them.
import { XMLParser } from "fast-xml-parser";
import blankSchema from "../../../../../shared/specs/prestashop/orders-blank-schema.xml";
import orderStatesXml from "../../../../../shared/specs/prestashop/install-langs-en-order_state.xml";

export { blankSchema };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false });

let fields: { order: Set<string>; row: Set<string> } | null = null;

/** Field names of <order> (associations apart) and of <order_row>, from the blank schema. */
export function orderFields(): { order: Set<string>; row: Set<string> } {
  if (fields) return fields;
  const doc = parser.parse(blankSchema) as { prestashop: { order: Record<string, unknown> } };
  const order = doc.prestashop.order;
  const assoc = order.associations as { order_rows: { order_row: Record<string, unknown> } };
  fields = {
    order: new Set(Object.keys(order).filter((k) => k !== "associations")),
    row: new Set(Object.keys(assoc.order_rows.order_row)),
  };
  return fields;
}

/** Fields PrestaShop requires on an order (Order::$definition 'required' => true, as far as the simulator needs them). */
const REQUIRED = ["id_currency", "current_state", "module", "payment", "total_paid", "total_paid_tax_incl", "total_paid_tax_excl", "total_paid_real", "total_products", "total_products_wt", "conversion_rate"];
const REQUIRED_ROW = ["product_name", "product_quantity", "unit_price_tax_incl", "unit_price_tax_excl"];
const AMOUNT = /^-?\d+(\.\d{1,6})?$/;

/** Problems with a seeded order (JSON output shape): unknown fields, missing required ones, malformed amounts. */
export function validateOrder(order: Record<string, unknown>): string[] {
  const { order: known, row: knownRow } = orderFields();
  const problems: string[] = [];
  for (const k of Object.keys(order)) if (k !== "associations" && !known.has(k)) problems.push(`${k}: not a field of the order resource`);
  for (const k of REQUIRED) if (order[k] === undefined || order[k] === "") problems.push(`${k}: required`);
  for (const k of Object.keys(order)) {
    if (/^total_|^carrier_tax_rate$|^conversion_rate$/.test(k) && order[k] !== undefined && !AMOUNT.test(String(order[k]))) problems.push(`${k}: "${String(order[k])}" is not a decimal`);
  }
  const assoc = order.associations as { order_rows?: unknown } | undefined;
  const rows = assoc?.order_rows;
  if (!Array.isArray(rows) || rows.length === 0) problems.push("associations.order_rows: an order needs at least one row");
  else {
    rows.forEach((r, i) => {
      const row = (r ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(row)) if (!knownRow.has(k)) problems.push(`associations.order_rows[${i}].${k}: not a field of order_row`);
      for (const k of REQUIRED_ROW) if (row[k] === undefined || row[k] === "") problems.push(`associations.order_rows[${i}].${k}: required`);
      for (const k of ["unit_price_tax_incl", "unit_price_tax_excl", "product_price"]) {
        if (row[k] !== undefined && !AMOUNT.test(String(row[k]))) problems.push(`associations.order_rows[${i}].${k}: "${String(row[k])}" is not a decimal`);
      }
    });
  }
  return problems;
}

export interface SimState {
  id: string;
  symbolic: string;
  name: string;
  template: string;
  paid: boolean;
  shipped: boolean;
  delivery: boolean;
  logable: boolean;
}

/** The ids a stock install usually gives the default states (sources.md §9; UNVERIFIED, per install). */
const USUAL_IDS: Record<string, string> = {
  Awaiting_cheque_payment: "1",
  Payment_accepted: "2",
  Preparation_in_progress: "3",
  Shipped: "4",
  Delivered: "5",
  Canceled: "6",
  Refund: "7",
  Payment_error: "8",
  On_backorder_paid: "9",
  Awaiting_bank_wire_payment: "10",
  Payment_remotely_accepted: "11",
  On_backorder_unpaid: "12",
  Awaiting_cod_validation: "13",
};
const PAID = new Set(["Payment_accepted", "Preparation_in_progress", "Shipped", "Delivered", "On_backorder_paid", "Payment_remotely_accepted"]);

let states: SimState[] | null = null;

/** The install's order states: names and templates from the install data, flags as PrestaShop's installer sets them. */
export function orderStates(): SimState[] {
  if (states) return states;
  const doc = parser.parse(orderStatesXml) as { entity_order_state: { order_state: { "@_id": string; name: string; template?: string }[] } };
  states = doc.entity_order_state.order_state.map((s) => {
    const symbolic = s["@_id"];
    return {
      id: USUAL_IDS[symbolic] ?? String(100 + Object.keys(USUAL_IDS).length),
      symbolic,
      name: String(s.name),
      template: typeof s.template === "string" ? s.template : "",
      paid: PAID.has(symbolic),
      shipped: symbolic === "Shipped" || symbolic === "Delivered",
      delivery: symbolic === "Delivered",
      logable: PAID.has(symbolic),
    };
  });
  return states;
}

export function stateById(id: string): SimState | undefined {
  return orderStates().find((s) => s.id === id);
}

export function stateBySymbol(symbolic: string): SimState | undefined {
  return orderStates().find((s) => s.symbolic === symbolic || s.name === symbolic);
}
