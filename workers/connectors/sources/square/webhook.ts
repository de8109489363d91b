// Square webhook verification (base64 HMAC-SHA256 of notification URL + raw body), identity for dedup, body parsing.
// https://developer.squareup.com/docs/webhooks/step3validate ; square-ruby-sdk lib/square/utilities/webhooks_helper.rb
import type { SourceConnector, WebhookIdentity, WebhookInput } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { concatBytes, utf8, verifyHmac } from "../../../../shared/webhooks/signature";
import { EventEnvelope, InventoryCount } from "./schemas";

export const SIGNATURE_HEADER = "x-square-hmacsha256-signature";
/** The legacy SHA-1 `x-square-signature` of older subscriptions is not accepted: subscriptions made today sign SHA-256. */
export const REQUIRED_HEADERS = [SIGNATURE_HEADER] as const;

type Webhook = NonNullable<SourceConnector["webhook"]>;

/**
 * The signed message is the notification URL exactly as registered (scheme, host, path, query) followed by the raw
 * body bytes. `input.url` is the URL the request reached; the mesh substitutes the connection's `notificationUrl`
 * when one is configured (a proxy in front of the Worker).
 */
export async function verify(input: WebhookInput, secret: string): ReturnType<Webhook["verify"]> {
  if (!secret) return { ok: false, reason: "no signature key configured for this connection" };
  const given = input.headers.get(SIGNATURE_HEADER);
  if (!given) return { ok: false, reason: `missing header ${SIGNATURE_HEADER}` };
  const ok = await verifyHmac(secret, concatBytes(utf8(input.url), input.raw), given, "base64");
  return ok ? { ok: true } : { ok: false, reason: `${SIGNATURE_HEADER} does not match notification URL + body` };
}

/** The order a notification is about: order.* name it in data.id; payment.* and refund.* carry the object's order_id. */
function orderIdOf(type: string, data: { id?: string | null; object?: unknown } | null | undefined): string | undefined {
  const object = (data?.object ?? {}) as Record<string, unknown>;
  if (type.startsWith("order.")) {
    for (const v of Object.values(object)) {
      const id = (v as { order_id?: unknown } | null)?.order_id;
      if (typeof id === "string" && id) return id;
    }
    return data?.id ?? undefined;
  }
  const inner = type.startsWith("payment.") ? object.payment : type.startsWith("refund.") ? object.refund : undefined;
  const id = (inner as { order_id?: unknown } | undefined)?.order_id;
  return typeof id === "string" && id ? id : undefined;
}

/** `event_id` is the same on every retry of one event (https://developer.squareup.com/docs/webhooks/step3validate). */
export function identify(_input: WebhookInput, payload: unknown): WebhookIdentity {
  const r = EventEnvelope.safeParse(payload);
  if (!r.success) throw new NormalizeError(`Square notification lacks type or event_id: ${r.error.issues[0]?.message ?? "invalid"}`);
  const event = r.data;
  const identity: WebhookIdentity = { eventId: event.event_id, topic: event.type };
  if (event.created_at) identity.occurredAt = event.created_at;
  if (event.type.startsWith("inventory.")) {
    const counts = ((event.data?.object as { inventory_counts?: unknown[] } | undefined)?.inventory_counts ?? []).map((c) => InventoryCount.safeParse(c));
    const first = counts.find((c) => c.success)?.data;
    if (first) identity.objectKey = `${first.catalog_object_id}@${first.location_id}`;
    return identity;
  }
  const orderId = orderIdOf(event.type, event.data);
  if (orderId) identity.sourceOrderId = orderId;
  return identity;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function parse(input: WebhookInput): unknown {
  try {
    return JSON.parse(decoder.decode(input.raw));
  } catch (err) {
    throw new NormalizeError(`Square notification body is not UTF-8 JSON: ${(err as Error).message}`);
  }
}
