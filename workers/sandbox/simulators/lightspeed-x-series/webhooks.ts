// Builds and signs sale.update webhooks as X-Series sends them: form-encoded, the API 1.0 register sale in `payload`.
// https://x-series-api.lightspeedhq.com/docs/webhooks ; signature: https://docs.vendhq.com/tutorials/guides/webhooks/introduction
import { hmac, toHex, utf8 } from "../../../../shared/webhooks/signature";
import type { SimContext } from "../../kit";
import { fixed, legacyTime, num, settings, type XSale } from "./records";

export interface XSeriesDelivery {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** The API 1.0 register sale X-Series puts in a webhook for an API 2.0 sale (register_sale_products, totals, …). */
export function registerSale(sale: XSale): Record<string, unknown> {
  const taxes = new Map((sale.taxes ?? []).map((t) => [t.id, t] as const));
  const paid = sale.payments.reduce((n, p) => n + fixed(p.amount), 0n);
  const total = fixed(sale.total_price) + fixed(sale.total_tax);
  return {
    id: sale.id,
    source: "USER",
    register_id: sale.register_id ?? null,
    outlet_id: sale.outlet_id ?? null,
    customer_id: sale.customer_id ?? null,
    user_id: sale.user_id ?? null,
    sale_date: legacyTime(sale.sale_date ?? sale.created_at),
    created_at: legacyTime(sale.created_at),
    updated_at: legacyTime(sale.updated_at),
    total_price: sale.total_price,
    total_tax: sale.total_tax,
    note: sale.note ?? "",
    status: sale.status,
    invoice_number: sale.invoice_number ?? null,
    invoice_sequence: sale.invoice_sequence ?? null,
    return_for: sale.return_for ?? null,
    register_sale_products: sale.line_items.map((l, i) => {
      const t = l.tax_id ? taxes.get(l.tax_id) : undefined;
      return {
        id: l.id,
        product_id: l.product_id,
        register_id: sale.register_id ?? null,
        sequence: String(l.sequence ?? i),
        ...(typeof l.name === "string" ? { name: l.name } : {}),
        ...(typeof l.sku === "string" ? { sku: l.sku } : {}),
        quantity: l.quantity,
        price: l.price,
        cost: l.cost ?? 0,
        price_set: l.price_set ? 1 : 0,
        discount: l.discount ?? 0,
        loyalty_value: l.loyalty_value ?? 0,
        tax: l.tax ?? 0,
        tax_id: l.tax_id ?? null,
        tax_name: t?.name ?? null,
        tax_rate: t?.rate ?? null,
        tax_total: l.tax_total,
        price_total: l.price_total,
        status: l.status ?? "CONFIRMED",
      };
    }),
    totals: { total_tax: sale.total_tax, total_price: sale.total_price, total_payment: num(paid), total_to_pay: num(total - paid) },
    register_sale_payments: sale.payments.map((p) => ({
      id: p.id,
      payment_type_id: p.payment_type_id ?? null,
      register_id: sale.register_id ?? null,
      retailer_payment_type_id: p.retailer_payment_type_id ?? null,
      name: p.name ?? null,
      label: p.name ?? null,
      payment_date: legacyTime(p.payment_date),
      amount: p.amount,
    })),
  };
}

/** X-Signature: signature=<hex HMAC-SHA256(client secret, raw form body)>,algorithm=HMAC-SHA256 (encoding UNVERIFIED: hex). */
export async function signXSeriesWebhook(w: { url: string; secret: string; body: string }): Promise<XSeriesDelivery> {
  const signature = toHex(await hmac(w.secret, utf8(w.body)));
  return {
    url: w.url,
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "X-Signature": `signature=${signature},algorithm=HMAC-SHA256` },
    body: w.body,
  };
}

/** The form body: `payload` plus the fields the docs say "may be present" (environment, domain_prefix, …). */
export function formBody(payload: unknown, fields: Record<string, string>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload), ...fields }).toString();
}

export async function emitSaleUpdate(sim: SimContext, sale: XSale): Promise<void> {
  const s = settings(sim);
  const body = formBody(registerSale(sale), { environment: "prod", domain_prefix: s.domainPrefix, retailer_id: s.retailerId, type: "sale.update" });
  sim.emitWebhook(await signXSeriesWebhook({ url: s.webhookUrl, secret: s.clientSecret, body }));
  sim.bump("webhooks_sale_update");
}
