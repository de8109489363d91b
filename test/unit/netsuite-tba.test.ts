// NetSuite TBA signing: the RFC 5849 base string, HMAC-SHA256 signatures and the header NetSuite expects.
import { describe, expect, it } from "vitest";
import { authorizationHeader, authorize, percentEncode, signatureBaseString } from "../../workers/connectors/destinations/netsuite/auth";

// RFC 5849 §3.4.1.1 example request: POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b, body c2&a3=2+q.
const RFC_URL = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
const RFC_PARAMS: Array<[string, string]> = [
  ["oauth_consumer_key", "9djdj82h48djs9d2"],
  ["oauth_token", "kkk9d7dh3k39sjv7"],
  ["oauth_signature_method", "HMAC-SHA1"],
  ["oauth_timestamp", "137131201"],
  ["oauth_nonce", "7d8f3e4a"],
  ["c2", ""],
  ["a3", "2 q"],
  ["realm", "Example"],
];
// The base string printed in RFC 5849 §3.4.1.1 (realm excluded, parameters sorted by name then value).
const RFC_BASE =
  "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26" +
  "oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26" +
  "oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";

function header(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of value.replace(/^OAuth /, "").matchAll(/([a-z_]+)="([^"]*)"/g)) out.set(m[1]!, decodeURIComponent(m[2]!));
  return out;
}

async function hmacSha256Base64(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(message)));
  return btoa(String.fromCharCode(...sig));
}

describe("NetSuite OAuth 1.0a (TBA)", () => {
  it("builds RFC 5849's own example base string", () => {
    expect(signatureBaseString("post", new URL(RFC_URL), RFC_PARAMS)).toBe(RFC_BASE);
  });

  it("percent-encodes as RFC 3986 (unreserved kept, everything else %XX upper-case)", () => {
    expect(percentEncode("A-Za-z0-9-._~")).toBe("A-Za-z0-9-._~");
    expect(percentEncode("!*'() =&+/é")).toBe("%21%2A%27%28%29%20%3D%26%2B%2F%C3%A9");
  });

  it("lower-cases scheme and host, drops default ports and keeps others", () => {
    const base = signatureBaseString("GET", new URL("HTTPS://Demo123.SuiteTalk.API.NetSuite.com:443/services/rest/record/v1/salesOrder/eid:shopify-1"), []);
    expect(base).toBe("GET&https%3A%2F%2Fdemo123.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2FsalesOrder%2Feid%3Ashopify-1&");
    expect(signatureBaseString("GET", new URL("http://localhost:8788/netsuite/x"), [])).toContain("localhost%3A8788");
  });

  it("signs with HMAC-SHA256 keyed by consumer secret & token secret and never signs the realm", async () => {
    const url = new URL("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/eid:shopify-1001?expandSubResources=true");
    const value = await authorizationHeader("GET", url, { realm: "1234567_SB1", consumerKey: "ck", tokenId: "tk", nonce: "fjaLirsIcCGVZWzBX0pg", timestamp: "1508242306" }, "cs&x", "ts");
    const h = header(value);
    expect(value.startsWith('OAuth realm="1234567_SB1", ')).toBe(true);
    expect(h.get("oauth_signature_method")).toBe("HMAC-SHA256");
    expect(h.get("oauth_version")).toBe("1.0");
    // Independently: the base string by hand from RFC 5849 §3.4.1, the key from §3.4.2 (secrets percent-encoded).
    const params =
      "expandSubResources=true&oauth_consumer_key=ck&oauth_nonce=fjaLirsIcCGVZWzBX0pg&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1508242306&oauth_token=tk&oauth_version=1.0";
    const base = `GET&${encodeURIComponent("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/eid:shopify-1001")}&${encodeURIComponent(params)}`;
    expect(h.get("oauth_signature")).toBe(await hmacSha256Base64("cs%26x&ts", base));
  });

  it("gives every request a fresh nonce and the current timestamp", async () => {
    const auth = { credentials: { consumerKey: "ck", consumerSecret: "cs", tokenId: "tk", tokenSecret: "ts" }, config: { accountId: "1234567" }, now: new Date("2026-01-02T03:04:05Z") };
    const a = { url: "https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer/1", method: "GET", headers: {} as Record<string, string> };
    const b = { ...a, headers: {} as Record<string, string> };
    await authorize(a, auth);
    await authorize(b, auth);
    const ha = header(a.headers.authorization!);
    const hb = header(b.headers.authorization!);
    expect(ha.get("oauth_timestamp")).toBe(String(Date.parse("2026-01-02T03:04:05Z") / 1000));
    expect(ha.get("oauth_nonce")).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(ha.get("oauth_nonce")).not.toBe(hb.get("oauth_nonce"));
    expect(ha.get("realm")).toBe("1234567");
  });

  it("refuses to sign without all four TBA credentials", async () => {
    const req = { url: "https://1234567.suitetalk.api.netsuite.com/x", method: "GET", headers: {} as Record<string, string> };
    await expect(authorize(req, { credentials: { consumerKey: "ck" }, config: { accountId: "1" }, now: new Date() })).rejects.toMatchObject({ kind: "auth" });
  });
});
