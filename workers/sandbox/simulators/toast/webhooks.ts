// Builds and signs Toast orders webhooks: the message envelope around the full order, Toast-Signature over body + timestamp.
// https://doc.toasttab.com/doc/devguide/apiMessageSigning.html ; https://doc.toasttab.com/doc/devguide/apiHttpHeaders.html ;
// https://doc.toasttab.com/doc/devguide/apiMessageDataSchema.html ; https://doc.toasttab.com/doc/devguide/devOrdersWebhookRef.html
import { hmac, toBase64, utf8 } from "../../../../shared/webhooks/signature";
import type { SimContext } from "../../kit";
import { settings, type ToastOrder } from "./records";

export interface ToastDelivery {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** Toast-Signature = base64(HMAC-SHA256(secret, body + timestamp)), timestamp = the message's own `timestamp`. */
export async function toastSignature(secret: string, body: string, timestamp: string): Promise<string> {
  return toBase64(await hmac(secret, utf8(body + timestamp)));
}

export interface ToastWebhookInit {
  url: string;
  secret: string;
  restaurantGuid: string;
  order: unknown;
  /** Event GUID (the dedup id). */
  eventGuid: string;
  /** When the update happened: an ISO timestamp in UTC. */
  timestamp: string;
  eventType?: string;
  attempt?: number;
}

export async function signToastWebhook(w: ToastWebhookInit): Promise<ToastDelivery> {
  const eventType = w.eventType ?? "order_updated";
  const body = JSON.stringify({ timestamp: w.timestamp, eventCategory: eventType, eventType, guid: w.eventGuid, details: { restaurantGuid: w.restaurantGuid, order: w.order } });
  return {
    url: w.url,
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Toast-Signature": await toastSignature(w.secret, body, w.timestamp),
      "Toast-Event-Type": eventType,
      "Toast-Event-Category": eventType,
      "Toast-Restaurant-External-ID": w.restaurantGuid,
      "Toast-Attempt-Number": String(w.attempt ?? 1),
    },
    body,
  };
}

export async function emitOrderUpdated(sim: SimContext, restaurantGuid: string, order: ToastOrder): Promise<void> {
  const s = settings(sim);
  sim.emitWebhook(
    await signToastWebhook({
      url: s.webhookUrl,
      secret: s.webhookSecret,
      restaurantGuid,
      order,
      eventGuid: crypto.randomUUID(),
      timestamp: sim.now().toISOString(),
    }),
  );
  sim.bump("webhooks_order_updated");
}
