// Clover webhook authentication (static X-Clover-Auth code, constant-time), the URL-verification POST, and per-object identity.
// https://docs.clover.com/docs/webhooks — verification code, "Clover auth code header", message format.
import type { SourceConnector, WebhookIdentity, WebhookInput } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { timingSafeEqual, utf8 } from "../../../../shared/webhooks/signature";
import { Notification, VerificationRequest } from "./schemas";

export const AUTH_HEADER = "X-Clover-Auth";
export const REQUIRED_HEADERS = [AUTH_HEADER] as const;
/** Topic given to the URL-verification POST; it maps to nothing, so nothing is stored or fetched. */
export const VERIFICATION_TOPIC = "verification";

type Webhook = NonNullable<SourceConnector["webhook"]>;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function json(raw: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(raw));
  } catch {
    return undefined;
  }
}

/**
 * Clover signs nothing: every notification carries the app's static auth code in X-Clover-Auth, compared here in
 * constant time. The one exception is the POST Clover makes when the URL is registered ("Send Verification Code"),
 * which precedes the auth code and carries only {"verificationCode": "…"}; it is accepted so Clover sees 200, and it
 * maps to no topic, so the mesh stores and fetches nothing for it.
 */
export async function verify(input: WebhookInput, secret: string): ReturnType<Webhook["verify"]> {
  if (!secret) return { ok: false, reason: "no Clover auth code configured for this connection" };
  const given = input.headers.get(AUTH_HEADER);
  if (!given) {
    return VerificationRequest.safeParse(json(input.raw)).success ? { ok: true } : { ok: false, reason: `missing header ${AUTH_HEADER}` };
  }
  return timingSafeEqual(utf8(given.trim()), utf8(secret)) ? { ok: true } : { ok: false, reason: `${AUTH_HEADER} does not match the connection's auth code` };
}

export function parse(input: WebhookInput): unknown {
  const body = json(input.raw);
  if (body === undefined) throw new NormalizeError("Clover notification body is not UTF-8 JSON");
  return body;
}

/**
 * One identity per object named: dedup id = objectId + type + ts (Clover sends no event id); topic = the object's
 * type key and the change ("O:UPDATE"); an order's id is the objectId without its "O:" key.
 */
export function identifyAll(_input: WebhookInput, payload: unknown): WebhookIdentity[] {
  if (VerificationRequest.safeParse(payload).success) return [];
  const r = Notification.safeParse(payload);
  if (!r.success) throw new NormalizeError(`Clover notification does not match the documented format: ${r.error.issues[0]?.message ?? "invalid"}`);
  const out: WebhookIdentity[] = [];
  for (const updates of Object.values(r.data.merchants)) {
    for (const u of updates) {
      const at = u.objectId.indexOf(":");
      const key = u.objectId.slice(0, at);
      const id = u.objectId.slice(at + 1);
      const identity: WebhookIdentity = { eventId: `${u.objectId}/${u.type}/${u.ts}`, topic: `${key}:${u.type}`, occurredAt: new Date(u.ts).toISOString() };
      if (key === "O") identity.sourceOrderId = id;
      else identity.objectKey = u.objectId;
      out.push(identity);
    }
  }
  return out;
}

/** The first object's identity (the mesh uses it when a notification names exactly one object). */
export function identify(input: WebhookInput, payload: unknown): WebhookIdentity {
  const verification = VerificationRequest.safeParse(payload);
  if (verification.success) return { eventId: `verification/${verification.data.verificationCode}`, topic: VERIFICATION_TOPIC };
  const all = identifyAll(input, payload);
  return all[0] ?? { eventId: "empty", topic: "none" };
}
