// NetSuite Token-Based Authentication: OAuth 1.0a HMAC-SHA256 signatures (RFC 5849 §3.4) over each request.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { hmac, toBase64, utf8 } from "../../../../shared/webhooks/signature";

export const CREDENTIAL_KEYS = ["consumerKey", "consumerSecret", "tokenId", "tokenSecret"] as const;

/** RFC 5849 §3.6: RFC 3986 unreserved characters stay, everything else is %XX of its UTF-8 bytes (upper-case hex). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** RFC 5849 §3.4.1.2: scheme and host lower-case, default ports dropped, path kept, no query or fragment. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  const defaultPort = (scheme === "http" && url.port === "80") || (scheme === "https" && url.port === "443") || url.port === "";
  return `${scheme}://${url.hostname.toLowerCase()}${defaultPort ? "" : `:${url.port}`}${url.pathname}`;
}

/**
 * RFC 5849 §3.4.1: `METHOD&pct(base URI)&pct(normalized parameters)`, where the parameters are the query's (decoded),
 * any form-encoded body's, and the oauth_* protocol parameters except oauth_signature and realm, each name and value
 * percent-encoded, sorted by name then value (§3.4.1.3.2), joined as `name=value` with `&`.
 * NetSuite follows this exactly for REST web services (NS section_1534941088 "The Signature for Web Services and
 * RESTlets", section_1534939551 "The RESTlet Base String": method upper-case, URL without parameters, scheme and host
 * lower-case, parameters urldecoded then rawurlencoded and sorted, realm not signed).
 */
export function signatureBaseString(method: string, url: URL, params: ReadonlyArray<readonly [string, string]>): string {
  const all: Array<[string, string]> = [];
  for (const [k, v] of url.searchParams) all.push([percentEncode(k), percentEncode(v)]);
  for (const [k, v] of params) {
    if (k === "realm" || k === "oauth_signature") continue;
    all.push([percentEncode(k), percentEncode(v)]);
  }
  all.sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1));
  const normalized = all.map(([k, v]) => `${k}=${v}`).join("&");
  return `${method.toUpperCase()}&${percentEncode(baseStringUri(url))}&${percentEncode(normalized)}`;
}

/** RFC 5849 §3.4.2 with SHA-256 (NetSuite dropped HMAC-SHA1 in 2023.1): key = pct(consumer secret)&pct(token secret). */
export async function sign(baseString: string, consumerSecret: string, tokenSecret: string): Promise<string> {
  return toBase64(await hmac(`${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`, utf8(baseString), "SHA-256"));
}

export interface OAuthParams {
  realm: string;
  consumerKey: string;
  tokenId: string;
  nonce: string;
  timestamp: string;
}

export function protocolParams(p: OAuthParams): Array<[string, string]> {
  return [
    ["oauth_consumer_key", p.consumerKey],
    ["oauth_token", p.tokenId],
    ["oauth_signature_method", "HMAC-SHA256"],
    ["oauth_timestamp", p.timestamp],
    ["oauth_nonce", p.nonce],
    ["oauth_version", "1.0"],
  ];
}

/**
 * The Authorization header NetSuite documents for REST web services and RESTlets (NS section_1534941295 "The
 * Authorization Headers"): `OAuth realm="<account>", oauth_consumer_key="…", …, oauth_signature="<pct base64>"`.
 */
export async function authorizationHeader(method: string, url: URL, p: OAuthParams, consumerSecret: string, tokenSecret: string): Promise<string> {
  const params = protocolParams(p);
  const signature = await sign(signatureBaseString(method, url, params), consumerSecret, tokenSecret);
  const parts = [`realm="${percentEncode(p.realm)}"`, ...params.map(([k, v]) => `${k}="${percentEncode(v)}"`), `oauth_signature="${percentEncode(signature)}"`];
  return `OAuth ${parts.join(", ")}`;
}

const NONCE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 20 random alphanumerics: NetSuite wants a unique nonce of 6–64 characters per request (NS article_163240162059). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join("");
}

/** Signs each request statelessly from the connection's TBA credentials (no token endpoint, nothing cached). */
export async function authorize(req: { url: string; method: string; headers: Record<string, string> }, auth: AuthMaterial): Promise<void> {
  const { consumerKey, consumerSecret, tokenId, tokenSecret } = auth.credentials;
  if (!consumerKey || !consumerSecret || !tokenId || !tokenSecret) {
    throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "NetSuite connection lacks consumerKey, consumerSecret, tokenId or tokenSecret" });
  }
  const realm = String(auth.config.accountId ?? "");
  if (!realm) throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: "NetSuite connection lacks accountId (the OAuth realm)" });
  const params = { realm, consumerKey, tokenId, nonce: newNonce(), timestamp: String(Math.floor(auth.now.getTime() / 1000)) };
  req.headers.authorization = await authorizationHeader(req.method, new URL(req.url), params, consumerSecret, tokenSecret);
  req.headers.accept = "application/json";
}
