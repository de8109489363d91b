// Shopify webhook verification (base64 HMAC-SHA256 of the raw body), identity for dedup, and body parsing.
// https://github.com/Shopify/shopify-api-js/blob/main/packages/shopify-api/lib/webhooks/validate.ts (headers, HMAC)
// https://shopify.dev/docs/apps/build/webhooks/delivery-structure (body = the topic's REST resource)
import type { SourceConnector, WebhookIdentity, WebhookInput } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { verifyHmac } from "../../../../shared/webhooks/signature";

export const HMAC_HEADER = "X-Shopify-Hmac-Sha256";

/** The headers shopify-api-js `validate.ts` requires; a delivery missing any of them is invalid. */
export const REQUIRED_HEADERS = [
  HMAC_HEADER,
  "X-Shopify-Topic",
  "X-Shopify-Shop-Domain",
  "X-Shopify-API-Version",
  "X-Shopify-Webhook-Id",
] as const;

type Webhook = NonNullable<SourceConnector["webhook"]>;

export async function verify(input: WebhookInput, secret: string): ReturnType<Webhook["verify"]> {
  if (!secret) return { ok: false, reason: "no webhook secret configured for this connection" };
  for (const name of REQUIRED_HEADERS) {
    if (!input.headers.get(name)) return { ok: false, reason: `missing header ${name}` };
  }
  const ok = await verifyHmac(secret, input.raw, input.headers.get(HMAC_HEADER), "base64");
  return ok ? { ok: true } : { ok: false, reason: `${HMAC_HEADER} does not match the body` };
}

/**
 * X-Shopify-Event-Id is the same for every delivery of one event (the dedup key Shopify documents,
 * https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates); X-Shopify-Webhook-Id, per delivery, is the fallback.
 */
export function identify(input: WebhookInput, payload: unknown): WebhookIdentity {
  const topic = input.headers.get("X-Shopify-Topic") ?? "";
  const eventId = input.headers.get("X-Shopify-Event-Id") || input.headers.get("X-Shopify-Webhook-Id");
  if (!eventId) throw new NormalizeError("Shopify delivery has neither X-Shopify-Event-Id nor X-Shopify-Webhook-Id");
  const identity: WebhookIdentity = { eventId, topic };
  const occurredAt = input.headers.get("X-Shopify-Triggered-At");
  if (occurredAt) identity.occurredAt = occurredAt;
  // The routing fields are read by hand, not with a zod schema: this runs for every delivery before dedup.
  const body = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  if (topic.startsWith("orders/")) {
    const id = shopifyId(body.id);
    if (id) identity.sourceOrderId = id;
  } else if (topic.startsWith("refunds/")) {
    const id = shopifyId(body.order_id);
    if (id) identity.sourceOrderId = id;
  } else if (topic.startsWith("inventory_levels/")) {
    const item = shopifyId(body.inventory_item_id), location = shopifyId(body.location_id);
    if (item && location) identity.objectKey = `${item}@${location}`;
  }
  return identity;
}

/** A Shopify id as schemas.ts's ShopifyId accepts it (a non-negative integer, or its decimal string), as a string. */
function shopifyId(v: unknown): string | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
  return typeof v === "string" && /^\d+$/.test(v) ? v : undefined;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Webhook bodies are the topic's REST resource as JSON. */
export function parse(input: WebhookInput): unknown {
  try {
    return JSON.parse(decoder.decode(input.raw));
  } catch (err) {
    throw new NormalizeError(`Shopify webhook body is not UTF-8 JSON: ${(err as Error).message}`);
  }
}
