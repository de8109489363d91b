// X-Series webhook verification (HMAC-SHA256 of the raw form body with the app's client secret), identity and parsing.
// https://x-series-api.lightspeedhq.com/docs/webhooks (form field `payload`, API 1.0 object) and the Verification section of
// https://docs.vendhq.com/tutorials/guides/webhooks/introduction: "X-Signature: signature=…,algorithm=HMAC-SHA256 … generate
// a signature by hashing the webhook request body and compare it to the signature in the header".
import type { SourceConnector, WebhookIdentity, WebhookInput } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { fromBase64, fromHex, hmac, timingSafeEqual } from "../../../../shared/webhooks/signature";
import { SaleRef } from "./schemas";

export const SIGNATURE_HEADER = "X-Signature";
export const REQUIRED_HEADERS = [SIGNATURE_HEADER] as const;
export const SALE_TOPIC = "sale.update";

type Webhook = NonNullable<SourceConnector["webhook"]>;

/** `signature=<sig>,algorithm=HMAC-SHA256` → its parts (order-insensitive, whitespace-tolerant). */
export function parseSignatureHeader(value: string | null): { signature?: string; algorithm?: string } {
  const out: Record<string, string> = {};
  for (const part of (value ?? "").split(",")) {
    const at = part.indexOf("=");
    if (at > 0) out[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim();
  }
  return { signature: out.signature, algorithm: out.algorithm };
}

/**
 * The docs do not say how the digest is encoded (their example value is a placeholder, neither hex nor base64 of 32
 * bytes) [UNVERIFIED]: a 64-character hex string is read as hex, anything else as base64. Both decode to the raw MAC,
 * which is compared in constant time; only a holder of the client secret can produce either.
 */
function digestBytes(signature: string): Uint8Array | null {
  return /^[0-9a-f]{64}$/i.test(signature) ? fromHex(signature) : fromBase64(signature);
}

export async function verify(input: WebhookInput, secret: string): ReturnType<Webhook["verify"]> {
  if (!secret) return { ok: false, reason: "no client secret configured for this connection" };
  const header = input.headers.get(SIGNATURE_HEADER);
  if (!header) return { ok: false, reason: `missing header ${SIGNATURE_HEADER}` };
  const { signature, algorithm } = parseSignatureHeader(header);
  if (!signature) return { ok: false, reason: `${SIGNATURE_HEADER} carries no signature` };
  if (algorithm && algorithm.toUpperCase() !== "HMAC-SHA256") return { ok: false, reason: `unsupported algorithm ${algorithm}` };
  const given = digestBytes(signature);
  if (!given) return { ok: false, reason: `${SIGNATURE_HEADER} is neither hex nor base64` };
  // The signed bytes are the request body as received: the form-encoded body, not the decoded payload.
  const ok = timingSafeEqual(await hmac(secret, input.raw), given);
  return ok ? { ok: true } : { ok: false, reason: `${SIGNATURE_HEADER} does not match the body` };
}

export interface VendWebhook {
  /** The form field `type` when X-Series sends it (not guaranteed), else sale.update for a register sale payload. */
  type: string;
  payload: unknown;
  domainPrefix?: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** application/x-www-form-urlencoded, UTF-8; the `payload` field is the JSON object. */
export function parse(input: WebhookInput): VendWebhook {
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(decoder.decode(input.raw));
  } catch (err) {
    throw new NormalizeError(`X-Series webhook body is not UTF-8: ${(err as Error).message}`);
  }
  const raw = form.get("payload");
  if (raw === null) throw new NormalizeError("X-Series webhook body has no payload field");
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch (err) {
    throw new NormalizeError(`X-Series webhook payload is not JSON: ${(err as Error).message}`);
  }
  const looksLikeSale = typeof payload === "object" && payload !== null && "register_sale_products" in payload;
  return { type: form.get("type") ?? (looksLikeSale ? SALE_TOPIC : "unknown"), payload, domainPrefix: form.get("domain_prefix") ?? undefined };
}

/**
 * No event id is sent: a sale change is identified by the sale id and its version (or updated_at, which API 1.0
 * payloads carry), so a retry of the same change (up to 20 over 48 h) gives the same id. A return belongs to the
 * sale it returns (`return_for`), where it lands as a refund.
 */
export function identify(_input: WebhookInput, parsed: unknown): WebhookIdentity {
  const hook = parsed as VendWebhook;
  const ref = SaleRef.safeParse(hook.payload);
  if (!ref.success) throw new NormalizeError(`X-Series ${hook.type} payload has no sale id`);
  const { id, version, updated_at: updatedAt, return_for: returnFor } = ref.data;
  const stamp = version ?? updatedAt;
  if (stamp === null || stamp === undefined) throw new NormalizeError(`X-Series sale ${id} has neither version nor updated_at`);
  const identity: WebhookIdentity = { eventId: `${id}:${stamp}`, topic: hook.type, sourceOrderId: returnFor || id };
  // API 1.0 writes UTC times as "2024-05-03 02:14:12".
  const at = updatedAt ? Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(updatedAt) ? `${updatedAt.replace(" ", "T")}Z` : updatedAt) : NaN;
  if (!Number.isNaN(at)) identity.occurredAt = new Date(at).toISOString();
  return identity;
}
