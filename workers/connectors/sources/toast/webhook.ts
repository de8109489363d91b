// Toast webhook verification (base64 HMAC-SHA256 of body + timestamp), freshness, identity and parsing.
// https://doc.toasttab.com/doc/devguide/apiMessageSigning.html: "The signature is derived by concatenating the body and
// timestamp of the webhook message", Java sample `body + timestamp` → HmacSHA256 → printBase64Binary. No documented header
// carries a timestamp (https://doc.toasttab.com/doc/devguide/apiHttpHeaders.html); the message's own `timestamp` field
// (https://doc.toasttab.com/doc/devguide/apiMessageDataSchema.html) is the one appended [UNVERIFIED against a live delivery].
import type { SourceConnector, WebhookIdentity, WebhookInput } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { concatBytes, utf8, verifyHmac } from "../../../../shared/webhooks/signature";
import { Envelope } from "./schemas";

export const SIGNATURE_HEADER = "Toast-Signature";
export const REQUIRED_HEADERS = [SIGNATURE_HEADER, "Toast-Event-Type"] as const;

/**
 * Toast resends a failed delivery after 5 and then 10 more minutes with the same message
 * (https://doc.toasttab.com/doc/devguide/apiRetrySupport.html), so a message up to ~15 minutes old is genuine;
 * 20 minutes leaves room for its 2-second timeouts and clock skew, and anything older is a replay.
 */
export const FRESHNESS_SECONDS = 20 * 60;

type Webhook = NonNullable<SourceConnector["webhook"]>;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function envelope(raw: Uint8Array): Envelope | null {
  try {
    const r = Envelope.safeParse(JSON.parse(decoder.decode(raw)));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export async function verify(input: WebhookInput, secret: string): ReturnType<Webhook["verify"]> {
  if (!secret) return { ok: false, reason: "no webhook secret configured for this connection" };
  for (const name of REQUIRED_HEADERS) {
    if (!input.headers.get(name)) return { ok: false, reason: `missing header ${name}` };
  }
  // The timestamp is read from the body before it is trusted; a tampered body fails the HMAC below anyway.
  const message = envelope(input.raw);
  if (!message) return { ok: false, reason: "body is not a Toast webhook message" };
  const ok = await verifyHmac(secret, concatBytes(input.raw, utf8(message.timestamp)), input.headers.get(SIGNATURE_HEADER), "base64");
  if (!ok) return { ok: false, reason: `${SIGNATURE_HEADER} does not match the body and timestamp` };
  const at = Date.parse(message.timestamp);
  if (Number.isNaN(at) || Math.abs(input.now.getTime() - at) > FRESHNESS_SECONDS * 1000) {
    return { ok: false, reason: `message timestamp ${message.timestamp} is outside the ${FRESHNESS_SECONDS} s window` };
  }
  return { ok: true };
}

export function parse(input: WebhookInput): Envelope {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(input.raw));
  } catch (err) {
    throw new NormalizeError(`Toast webhook body is not UTF-8 JSON: ${(err as Error).message}`);
  }
  const r = Envelope.safeParse(body);
  if (!r.success) throw new NormalizeError(`Toast webhook body is not a message envelope: ${r.error.issues[0]?.message ?? ""}`);
  return r.data;
}

/** The envelope `guid` identifies the event (the same on Toast's resends); the order is details.order.guid. */
export function identify(input: WebhookInput, payload: unknown): WebhookIdentity {
  const e = payload as Envelope;
  const order = e.details.order as { guid?: unknown } | null | undefined;
  const identity: WebhookIdentity = { eventId: e.guid, topic: input.headers.get("Toast-Event-Type") ?? e.eventType, occurredAt: e.timestamp };
  if (typeof order?.guid === "string") identity.sourceOrderId = order.guid;
  return identity;
}
