// Shopify order and refund bodies built from the vendor's REST examples, with fresh ids for each test.
import { hmac, toBase64, utf8 } from "../../shared/webhooks/signature";
import { shopifyResponse } from "./specs";

type Json = Record<string, unknown>;

/** A full REST order (order.test_8: 3 lines, taxes, discount, shipping, one refund) with a new id and number. */
export function shopifyOrder(id: number, patch: Json = {}): Json {
  const { order } = shopifyResponse<{ order: Json }>("order.test_8.GET.json");
  return { ...order, id, name: `#${id}`, order_number: id, refunds: [], financial_status: "paid", ...patch };
}

/** A refunds/create body (refund.test_2: one line, 41.94 refunded) for order `orderId`. */
export function shopifyRefund(orderId: number, refundId: number): Json {
  const { refund } = shopifyResponse<{ refund: Json }>("refund.test_2.POST.json");
  return { ...refund, id: refundId, order_id: orderId };
}

export async function shopifyHeaders(body: string, topic: string, secret = "demo-shopify-secret", eventId: string = crypto.randomUUID()): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "x-shopify-topic": topic,
    "x-shopify-hmac-sha256": toBase64(await hmac(secret, utf8(body))),
    "x-shopify-shop-domain": "demo-shop.myshopify.com",
    "x-shopify-api-version": "2024-04",
    "x-shopify-webhook-id": crypto.randomUUID(),
    "x-shopify-event-id": eventId,
    "x-shopify-triggered-at": new Date().toISOString(),
  };
}

/** Builds a signed delivery ready for `post()` from test/helpers/mesh.ts. */
export async function shopifyDelivery(topic: string, payload: Json, eventId?: string) {
  const body = JSON.stringify(payload);
  return { url: "http://localhost:8787/webhooks/shopify/demo-shopify", method: "POST", headers: await shopifyHeaders(body, topic, undefined, eventId), body };
}
