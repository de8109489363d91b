// Shared signature helpers: HMAC over raw bytes, encodings, and a constant-time comparison.
const encoder = new TextEncoder();

export type Bytes = Uint8Array;

export function utf8(text: string): Bytes {
  return encoder.encode(text);
}

export function concatBytes(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string, hash: "SHA-256" | "SHA-1"): Promise<CryptoKey> {
  const id = `${hash}:${secret}`;
  let key = keyCache.get(id);
  if (!key) {
    key = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash }, false, ["sign"]);
    if (keyCache.size > 256) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export async function hmac(secret: string, message: Bytes, hash: "SHA-256" | "SHA-1" = "SHA-256"): Promise<Bytes> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret, hash), message);
  return new Uint8Array(sig);
}

export function toBase64(bytes: Bytes): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Bytes | null {
  try {
    const bin = atob(text.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function toHex(bytes: Bytes): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(text: string): Bytes | null {
  const t = text.trim().toLowerCase();
  if (t.length % 2 !== 0 || !/^[0-9a-f]*$/.test(t)) return null;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Constant-time equality of two byte strings (different lengths compare false without early exit on content). */
export function timingSafeEqual(a: Bytes, b: Bytes): boolean {
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (a.length !== b.length) {
    // Compare b with itself so the time spent does not depend on where a and b differ.
    if (subtle.timingSafeEqual) subtle.timingSafeEqual(b, b);
    return false;
  }
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Verifies `expected` (the header's encoded signature) against HMAC(secret, message) in constant time. */
export async function verifyHmac(
  secret: string,
  message: Bytes,
  provided: string | null,
  encoding: "base64" | "hex",
  hash: "SHA-256" | "SHA-1" = "SHA-256",
): Promise<boolean> {
  if (!secret || !provided) return false;
  const given = encoding === "base64" ? fromBase64(provided) : fromHex(provided);
  if (!given) return false;
  return timingSafeEqual(await hmac(secret, message, hash), given);
}

export async function sha256Hex(data: Bytes | string): Promise<string> {
  const bytes = typeof data === "string" ? utf8(data) : data;
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}
