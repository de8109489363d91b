// NetSuite responses → the closed set of error kinds, keeping NetSuite's o:errorCode.
import type { ErrorDetail } from "../../../../shared/connector/errors";
import { classifyStatus, parseRetryAfter } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { NsError } from "./schemas";

/** NetSuite sends no Retry-After with a 429 (secondary source); a concurrency slot frees within seconds. */
const CONCURRENCY_WAIT_SECONDS = 5;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html (Error Handling in REST Web Services)
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  const parsed = NsError.safeParse(parse(res.text));
  const first = parsed.success ? parsed.data["o:errorDetails"][0] : undefined;
  const code = first?.["o:errorCode"];
  if (!code) return classifyStatus(res.status, res.text, res.status === 429 ? (retryAfter ?? CONCURRENCY_WAIT_SECONDS) : retryAfter);
  const base = { status: res.status, vendorCode: code, body: res.text };
  const message = `NetSuite ${code}: ${first?.detail ?? `HTTP ${res.status}`}`;
  // INVALID_LOGIN: a wrong signature, unknown token, stale timestamp or reused nonce (NS login audit trail says which).
  if (res.status === 401 || code === "INVALID_LOGIN") return { ...base, kind: "auth", message };
  if (res.status === 403) return { ...base, kind: "auth", message };
  // RESTlets answer 400 SSS_REQUEST_LIMIT_EXCEEDED, REST 429 CONCURRENCY_LIMIT_EXCEEDED (NS bridgehead_1525252812).
  if (res.status === 429 || code === "CONCURRENCY_LIMIT_EXCEEDED" || code === "SSS_REQUEST_LIMIT_EXCEEDED") {
    return { ...base, kind: "rate_limited", message, retryAfterSeconds: retryAfter ?? CONCURRENCY_WAIT_SECONDS };
  }
  if (code === "IDEMPOTENCY_ERROR" || res.status === 409) return { ...base, kind: "conflict", message };
  if (res.status >= 500) return { ...base, kind: "retryable", message, retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent", message };
}
