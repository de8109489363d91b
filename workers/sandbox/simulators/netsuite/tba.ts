// NetSuite simulator: Token-Based Authentication checks — recomputes each OAuth 1.0a HMAC-SHA256 signature.
import type { SimContext } from "../../kit";
import { fromBase64, hmac, timingSafeEqual, toBase64, utf8 } from "../../../../shared/webhooks/signature";

export interface TbaAccount {
  accountId: string;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** The demo integration record and token the simulator accepts unless /_config/netsuite says otherwise. */
export function account(sim: SimContext): TbaAccount {
  const cfg = sim.config();
  return {
    accountId: String(cfg.accountId ?? "1234567_SB1"),
    consumerKey: String(cfg.consumerKey ?? "demo-ns-consumer-key"),
    consumerSecret: String(cfg.consumerSecret ?? "demo-ns-consumer-secret"),
    tokenId: String(cfg.tokenId ?? "demo-ns-token-id"),
    tokenSecret: String(cfg.tokenSecret ?? "demo-ns-token-secret"),
  };
}

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires it (unreserved characters only are left alone). */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `OAuth realm="…", oauth_consumer_key="…", …` → decoded key/value pairs (RFC 5849 §3.5.1). */
export function parseOAuthHeader(header: string): Map<string, string> | null {
  const m = /^OAuth\s+(.*)$/i.exec(header.trim());
  if (!m) return null;
  const out = new Map<string, string>();
  for (const part of m[1]!.split(",")) {
    const kv = /^\s*([A-Za-z0-9_]+)="([^"]*)"\s*$/.exec(part);
    if (!kv) return null;
    try {
      out.set(kv[1]!, decodeURIComponent(kv[2]!));
    } catch {
      return null;
    }
  }
  return out;
}

/**
 * The signature base string rebuilt from what arrived: method, the URL the client addressed (scheme and host
 * lower-case, no default port, no query), and the sorted, encoded query + oauth_* parameters (realm and
 * oauth_signature excluded), RFC 5849 §3.4.1.
 */
export function baseString(method: string, url: URL, oauth: Map<string, string>): string {
  const pairs: string[][] = [];
  url.searchParams.forEach((v, k) => pairs.push([enc(k), enc(v)]));
  oauth.forEach((v, k) => {
    if (k !== "realm" && k !== "oauth_signature") pairs.push([enc(k), enc(v)]);
  });
  pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0));
  const port = url.port && !((url.protocol === "http:" && url.port === "80") || (url.protocol === "https:" && url.port === "443")) ? `:${url.port}` : "";
  const uri = `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
  return [method.toUpperCase(), enc(uri), enc(pairs.map((p) => p.join("=")).join("&"))].join("&");
}

export type TbaResult = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a request: realm = account, known consumer and token, HMAC-SHA256, a fresh timestamp (± tolerance) and a
 * nonce never seen with this token. NetSuite answers every failure the same way (401 INVALID_LOGIN); the reason is
 * what its Login Audit Trail would show.
 */
export async function verifyTba(sim: SimContext, method: string, signedUrl: URL, header: string | undefined): Promise<TbaResult> {
  if (!header) return { ok: false, reason: "no Authorization header" };
  const oauth = parseOAuthHeader(header);
  if (!oauth) return { ok: false, reason: "Authorization header is not an OAuth header" };
  const acct = account(sim);
  if (oauth.get("realm") !== acct.accountId) return { ok: false, reason: `realm ${oauth.get("realm")} is not account ${acct.accountId}` };
  if (oauth.get("oauth_consumer_key") !== acct.consumerKey) return { ok: false, reason: "unknown consumer key" };
  if (oauth.get("oauth_token") !== acct.tokenId) return { ok: false, reason: "unknown token" };
  if (oauth.get("oauth_signature_method") !== "HMAC-SHA256") return { ok: false, reason: `signature method ${oauth.get("oauth_signature_method")} is not supported` };
  const version = oauth.get("oauth_version");
  if (version !== undefined && version !== "1.0") return { ok: false, reason: `oauth_version ${version}` };
  const nonce = oauth.get("oauth_nonce") ?? "";
  const timestamp = Number(oauth.get("oauth_timestamp"));
  if (!/^[A-Za-z0-9]{6,64}$/.test(nonce)) return { ok: false, reason: "nonce must be 6-64 alphanumerics" };
  const given = fromBase64(oauth.get("oauth_signature") ?? "");
  const expected = await hmac(`${enc(acct.consumerSecret)}&${enc(acct.tokenSecret)}`, utf8(baseString(method, signedUrl, oauth)), "SHA-256");
  if (!given || !timingSafeEqual(expected, given)) return { ok: false, reason: `invalid signature (expected ${toBase64(expected)})` };
  const tolerance = Number(sim.config().timestampToleranceSeconds ?? 300);
  const now = Math.floor(sim.now().getTime() / 1000);
  if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > tolerance) return { ok: false, reason: `timestamp ${oauth.get("oauth_timestamp")} is outside ±${tolerance}s of ${now}` };
  const key = `${acct.tokenId}:${nonce}`;
  if (sim.store.get("nonces", key)) return { ok: false, reason: `nonce ${nonce} was already used` };
  sim.store.put("nonces", key, { at: timestamp });
  return { ok: true };
}
