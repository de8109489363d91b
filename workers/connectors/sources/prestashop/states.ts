// PrestaShop's default order states (symbolic ids and English names from install-dev/langs/en/data/order_state.xml,
// ../shared/specs/prestashop/install-langs-en-order_state.xml) and what each means for the canonical order.
import type { FinancialStatus, FulfillmentStatus, OrderStatus } from "../../../../shared/model/order";

export const SYMBOLIC_STATES = [
  "Awaiting_cheque_payment",
  "Payment_accepted",
  "Preparation_in_progress",
  "Shipped",
  "Delivered",
  "Canceled",
  "Refund",
  "Payment_error",
  "On_backorder_paid",
  "On_backorder_unpaid",
  "Awaiting_bank_wire_payment",
  "Payment_remotely_accepted",
  "Awaiting_cod_validation",
] as const;
export type SymbolicState = (typeof SYMBOLIC_STATES)[number];

/** English name and mail template of each default state, as the install data defines them. */
export const DEFAULT_STATES: Record<SymbolicState, { name: string; template: string }> = {
  Awaiting_cheque_payment: { name: "Awaiting check payment", template: "cheque" },
  Payment_accepted: { name: "Payment accepted", template: "payment" },
  Preparation_in_progress: { name: "Processing in progress", template: "preparation" },
  Shipped: { name: "Shipped", template: "shipped" },
  Delivered: { name: "Delivered", template: "" },
  Canceled: { name: "Canceled", template: "order_canceled" },
  Refund: { name: "Refunded", template: "refund" },
  Payment_error: { name: "Payment error", template: "payment_error" },
  On_backorder_paid: { name: "On backorder (paid)", template: "outofstock" },
  On_backorder_unpaid: { name: "On backorder (not paid)", template: "outofstock" },
  Awaiting_bank_wire_payment: { name: "Awaiting bank wire payment", template: "bankwire" },
  Payment_remotely_accepted: { name: "Remote payment accepted", template: "payment" },
  Awaiting_cod_validation: { name: "Awaiting Cash On Delivery validation", template: "cashondelivery" },
};

/**
 * The numeric ids a stock install usually gives them (UNVERIFIED: ids are per install, which is why the connector
 * reads /api/order_states; this table is only the fallback when a connection has neither config nor access to it).
 */
export const USUAL_STATE_IDS: Record<string, SymbolicState> = {
  "1": "Awaiting_cheque_payment",
  "2": "Payment_accepted",
  "3": "Preparation_in_progress",
  "4": "Shipped",
  "5": "Delivered",
  "6": "Canceled",
  "7": "Refund",
  "8": "Payment_error",
  "9": "On_backorder_paid",
  "10": "Awaiting_bank_wire_payment",
  "11": "Payment_remotely_accepted",
  "12": "On_backorder_unpaid",
  "13": "Awaiting_cod_validation",
};

export interface StateMeaning {
  status: OrderStatus;
  financial: FinancialStatus;
  fulfillment: FulfillmentStatus;
}

export const STATE_MEANING: Record<SymbolicState, StateMeaning> = {
  Awaiting_cheque_payment: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  Payment_accepted: { status: "paid", financial: "paid", fulfillment: "unfulfilled" },
  Preparation_in_progress: { status: "packing", financial: "paid", fulfillment: "packing" },
  Shipped: { status: "shipped", financial: "paid", fulfillment: "shipped" },
  Delivered: { status: "delivered", financial: "paid", fulfillment: "delivered" },
  Canceled: { status: "cancelled", financial: "voided", fulfillment: "unfulfilled" },
  Refund: { status: "refunded", financial: "refunded", fulfillment: "returned" },
  Payment_error: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  On_backorder_paid: { status: "paid", financial: "paid", fulfillment: "unfulfilled" },
  On_backorder_unpaid: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  Awaiting_bank_wire_payment: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  Payment_remotely_accepted: { status: "paid", financial: "paid", fulfillment: "unfulfilled" },
  Awaiting_cod_validation: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
};

/** An install's state as /api/order_states describes it: the flags PrestaShop itself acts on. */
export interface StateFlags {
  name: string;
  template: string;
  paid: boolean;
  shipped: boolean;
  delivery: boolean;
}

/**
 * Which default state an install's state is: by English name, else by mail template (the paid flag tells the two
 * "payment" and the two "outofstock" states apart); undefined for a state the shop created itself.
 */
export function identify(state: StateFlags): SymbolicState | undefined {
  const byName = SYMBOLIC_STATES.find((s) => DEFAULT_STATES[s].name.toLowerCase() === state.name.trim().toLowerCase());
  if (byName) return byName;
  const byTemplate = SYMBOLIC_STATES.filter((s) => DEFAULT_STATES[s].template !== "" && DEFAULT_STATES[s].template === state.template);
  if (byTemplate.length === 1) return byTemplate[0];
  if (byTemplate.length > 1) return byTemplate.find((s) => STATE_MEANING[s].financial === (state.paid ? "paid" : "pending"));
  return state.template === "" && state.delivery ? "Delivered" : undefined;
}

/** A shop's own state: read what its flags make PrestaShop do. */
export function meaningOfFlags(state: Pick<StateFlags, "paid" | "shipped" | "delivery">): StateMeaning {
  if (state.delivery) return STATE_MEANING.Delivered;
  if (state.shipped) return STATE_MEANING.Shipped;
  if (state.paid) return STATE_MEANING.Payment_accepted;
  return STATE_MEANING.Awaiting_cheque_payment;
}
