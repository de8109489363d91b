// zod schemas for what Odoo answers: JSON-2 errors and the record fields OrderMesh reads (search_read results).
import { z } from "zod";

/** ../shared/specs/odoo/json2_error.response.401.json: {name, message, arguments, context, debug}. */
export const Json2Error = z.object({ name: z.string(), message: z.string(), arguments: z.array(z.unknown()).optional(), debug: z.string().optional() }).loose();

/** A many2one as search_read returns it: [id, display name] or false. */
const Many2one = z.union([z.tuple([z.number(), z.string()]), z.literal(false)]);

export const SaleOrder = z
  .object({
    id: z.number(),
    name: z.string(),
    state: z.string(),
    client_order_ref: z.union([z.string(), z.literal(false)]),
    amount_total: z.number(),
    currency_id: Many2one,
    picking_ids: z.array(z.number()).optional(),
    delivery_status: z.union([z.string(), z.literal(false)]).optional(),
  })
  .loose();
export type SaleOrder = z.infer<typeof SaleOrder>;

export const SaleOrderLine = z
  .object({ id: z.number(), sequence: z.number(), product_id: Many2one, name: z.string(), product_uom_qty: z.number(), price_unit: z.number() })
  .loose();
export type SaleOrderLine = z.infer<typeof SaleOrderLine>;

export const Move = z
  .object({ id: z.number(), name: z.string(), state: z.string(), ref: z.union([z.string(), z.literal(false)]), amount_total: z.number(), move_type: z.string() })
  .loose();
export type Move = z.infer<typeof Move>;

export const Product = z.object({ id: z.number(), default_code: z.union([z.string(), z.literal(false)]), uom_id: Many2one }).loose();
export const Named = z.object({ id: z.number(), name: z.string() }).loose();
export const Currency = z.object({ id: z.number(), name: z.string(), active: z.boolean() }).loose();
export const Precision = z.object({ name: z.string(), digits: z.number() }).loose();
export const Picking = z.object({ id: z.number(), state: z.string() }).loose();
export const Ids = z.array(z.number());
