// WooCommerce webhook verification (base64 HMAC-SHA256 of the raw body), identity for dedup, body parsing, and the ping.
// Signing, headers and the ping: woocommerce/woocommerce plugins/woocommerce/includes/class-wc-webhook.php @00e1bc4d
// (generate_signature(), deliver(), deliver_ping()); https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
import type { SourceConnector, WebhookIdentity, WebhookInput } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { verifyHmac } from "../../../../shared/webhooks/signature";
import { OrderRef } from "./schemas";

export const SIGNATURE_HEADER = "X-WC-Webhook-Signature";
export const TOPIC_HEADER = "X-WC-Webhook-Topic";

/** deliver() sends these on every delivery; a delivery missing one did not come from WooCommerce. */
export const REQUIRED_HEADERS = [SIGNATURE_HEADER, TOPIC_HEADER, "X-WC-Webhook-Resource", "X-WC-Webhook-Event", "X-WC-Webhook-ID", "X-WC-Webhook-Delivery-ID"] as const;

/** The topic given to WooCommerce's activation ping; it maps to nothing, so the mesh answers 200 and stores nothing. */
export const PING_TOPIC = "webhook.ping";

type Webhook = NonNullable<SourceConnector["webhook"]>;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * deliver_ping() posts the form body `webhook_id=<id>` with no signature and no X-WC-* headers when a webhook is
 * created or activated, and WooCommerce only activates the webhook on an exact 200. Such a body carries no data, so
 * it is let through verification; its topic is unmapped and nothing is stored.
 */
function pingId(input: WebhookInput): string | null {
  if (input.headers.get(SIGNATURE_HEADER) !== null || input.headers.get(TOPIC_HEADER) !== null) return null;
  if (input.raw.length > 64) return null;
  const m = /^webhook_id=(\d{1,20})$/.exec(new TextDecoder().decode(input.raw));
  return m ? m[1]! : null;
}

export async function verify(input: WebhookInput, secret: string): ReturnType<Webhook["verify"]> {
  if (!secret) return { ok: false, reason: "no webhook secret configured for this connection" };
  if (pingId(input) !== null) return { ok: true };
  for (const name of REQUIRED_HEADERS) {
    if (!input.headers.get(name)) return { ok: false, reason: `missing header ${name}` };
  }
  // The key is wp_specialchars_decode(secret, ENT_QUOTES): store the secret as WooCommerce shows it, decoded.
  const ok = await verifyHmac(secret, input.raw, input.headers.get(SIGNATURE_HEADER), "base64");
  return ok ? { ok: true } : { ok: false, reason: `${SIGNATURE_HEADER} does not match the body` };
}

/**
 * WooCommerce sends no event id (X-WC-Webhook-Delivery-ID is per attempt), so an order event is identified by the
 * order id and its date_modified_gmt: the same change delivered twice gives the same id. order.deleted carries only
 * `{"id": …}`; its deliveries are told apart by the delivery id (WooCommerce does not retry).
 */
export function identify(input: WebhookInput, payload: unknown): WebhookIdentity {
  const ping = pingId(input);
  if (ping !== null) return { eventId: `ping:${ping}`, topic: PING_TOPIC };
  const topic = input.headers.get(TOPIC_HEADER) ?? "";
  const ref = OrderRef.safeParse(payload);
  if (!ref.success) throw new NormalizeError(`WooCommerce ${topic} body has no order id`);
  const { id, date_modified_gmt: modified } = ref.data;
  const eventId = modified ? `${id}:${modified}` : `${id}:${topic}:${input.headers.get("X-WC-Webhook-Delivery-ID") ?? ""}`;
  const identity: WebhookIdentity = { eventId, topic, sourceOrderId: String(id) };
  if (modified) identity.occurredAt = `${modified}Z`;
  return identity;
}

/** Order topics post the v3 REST representation as JSON; the ping posts a form body. */
export function parse(input: WebhookInput): unknown {
  const ping = pingId(input);
  if (ping !== null) return { webhook_id: Number(ping) };
  try {
    return JSON.parse(decoder.decode(input.raw));
  } catch (err) {
    throw new NormalizeError(`WooCommerce webhook body is not UTF-8 JSON: ${(err as Error).message}`);
  }
}
