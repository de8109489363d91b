// Credentials at rest: AES-256-GCM with a key derived from the ENCRYPTION_KEY secret; random 96-bit IV per value.
import { fromBase64, toBase64, utf8 } from "../webhooks/signature";

const PREFIX = "v1.";
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  if (!secret || secret.length < 16) throw new Error("ENCRYPTION_KEY must be set to at least 16 characters");
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: utf8("ordermesh/credentials"), info: utf8("aes-256-gcm v1") },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}

/** Encrypts a JSON-serialisable value; the result is `v1.<base64 iv>.<base64 ciphertext>`. */
export async function encryptJson(secret: string, value: unknown, aad = ""): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8(aad) },
    await keyFor(secret),
    utf8(JSON.stringify(value)),
  );
  return `${PREFIX}${toBase64(iv)}.${toBase64(new Uint8Array(ct))}`;
}

export async function decryptJson<T = Record<string, string>>(secret: string, sealed: string, aad = ""): Promise<T> {
  if (!sealed.startsWith(PREFIX)) throw new Error("credentials are not sealed with a known scheme");
  const [ivText, ctText] = sealed.slice(PREFIX.length).split(".");
  const iv = fromBase64(ivText ?? "");
  const ct = fromBase64(ctText ?? "");
  if (!iv || !ct) throw new Error("sealed credentials are malformed");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: utf8(aad) }, await keyFor(secret), ct);
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}
