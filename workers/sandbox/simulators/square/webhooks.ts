// Square notifications as Square sends them: event envelopes, the HMAC-SHA256 of notification URL + body, delivery headers.
// https://developer.squareup.com/docs/webhooks/step3validate ; headers: https://developer.squareup.com/docs/webhooks/step2subscribe
import { concatBytes, hmac, toBase64, utf8 } from "../../../../shared/webhooks/signature";

export interface SquareDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** base64(HMAC-SHA256(signature key, notification URL + body)): the x-square-hmacsha256-signature value. */
export async function squareSignature(signatureKey: string, notificationUrl: string, body: string): Promise<string> {
  return toBase64(await hmac(signatureKey, concatBytes(utf8(notificationUrl), utf8(body))));
}

export async function signSquareWebhook(init: { url: string; signatureKey: string; body: string; environment?: string; at?: Date }): Promise<SquareDelivery> {
  return {
    url: init.url,
    body: init.body,
    headers: {
      "Content-Type": "application/json",
      "x-square-hmacsha256-signature": await squareSignature(init.signatureKey, init.url, init.body),
      "square-environment": init.environment ?? "Sandbox",
      "square-initial-delivery-timestamp": (init.at ?? new Date()).toISOString(),
    },
  };
}

/** The envelope every event shares: {merchant_id, type, event_id, created_at, data: {type, id, object}}. */
export function eventBody(p: { merchantId: string; type: string; eventId: string; createdAt: string; dataType: string; id: string; object: unknown }): string {
  return JSON.stringify({
    merchant_id: p.merchantId,
    type: p.type,
    event_id: p.eventId,
    created_at: p.createdAt,
    data: { type: p.dataType, id: p.id, object: p.object },
  });
}

/** order.created / order.updated carry a summary of the order, never the order itself. */
export function orderSummary(kind: "order_created" | "order_updated", order: { id: string; location_id: string; state: string; version?: number; created_at: string; updated_at: string }) {
  const summary: Record<string, unknown> = {
    order_id: order.id,
    location_id: order.location_id,
    state: order.state,
    created_at: order.created_at,
    ...(kind === "order_updated" ? { updated_at: order.updated_at } : {}),
  };
  if (order.version !== undefined) summary.version = order.version;
  return { [kind]: summary };
}
