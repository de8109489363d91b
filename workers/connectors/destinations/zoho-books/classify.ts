// Zoho Books responses → error kinds; Zoho's own {code, message} is kept as the vendor code.
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { Envelope, TokenError } from "./schemas";

/**
 * Codes beside the HTTP status (https://www.zoho.com/books/api/v3/errors/ lists 0 success, 1000 internal error,
 * 1002 does not exist [V]). 57 (not authorized / invalid token) and 45 (API call limit) are from third-party
 * guides [UNVERIFIED: support.kalkillp.com "Zoho Books API v3 error code guide"]; 1001 "already exists" likewise.
 */
const AUTH_CODES = new Set([57, 14]);
const RATE_CODES = new Set([45, 44]);
const DUPLICATE_CODES = new Set([1001]);
/** Zoho's 429 carries no Retry-After [UNVERIFIED: truto]; the per-minute window is the sensible wait. */
const MINUTE = 60;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function classify(res: HttpResponse): ErrorDetail | null {
  const body = parse(res.text);
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  const token = TokenError.safeParse(body);
  if (token.success && !Envelope.safeParse(body).success) {
    // Zoho Accounts answers a bad refresh token or client with HTTP 200 and {"error": "invalid_code" | "invalid_client"}.
    return { kind: "auth", status: res.status, vendorCode: token.data.error, message: `Zoho OAuth: ${token.data.error}`, body: res.text };
  }
  const env = Envelope.safeParse(body);
  if (env.success && env.data.code !== 0) {
    const code = env.data.code;
    const base = { status: res.status, vendorCode: String(code), message: `Zoho Books ${code}: ${env.data.message}`, body: res.text };
    if (res.status === 401 || AUTH_CODES.has(code)) return { ...base, kind: "auth" };
    if (res.status === 429 || RATE_CODES.has(code)) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? MINUTE };
    if (DUPLICATE_CODES.has(code)) return { ...base, kind: "conflict" };
    if (res.status >= 500 || code === 1000) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
    return { ...base, kind: "permanent" };
  }
  if (res.status >= 200 && res.status < 300) return null;
  return classifyStatus(res.status, res.text, res.status === 429 ? (retryAfter ?? MINUTE) : retryAfter);
}
