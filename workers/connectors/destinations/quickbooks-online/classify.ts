// QBO responses → the closed set of error kinds; a Fault is an error even under HTTP 200, and the vendor code is kept.
import type { ErrorDetail } from "../../../../shared/connector/errors";
import { classifyStatus, parseRetryAfter } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { FaultEnvelope, TokenError } from "./schemas";

/** limits.md §19: on a 429 without Retry-After, Intuit says wait 60 s. */
const THROTTLE_WAIT_SECONDS = 60;

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
// ("200 OK … the response body may contain a <Fault> element that identifies the error").
export function classify(res: HttpResponse): ErrorDetail | null {
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  const body = parseBody(res.text);
  const envelope = FaultEnvelope.safeParse(body);
  const faultBody = envelope.success ? (envelope.data.Fault ?? envelope.data.fault ?? null) : null;
  if (faultBody) {
    const errors = faultBody.Error ?? faultBody.error ?? [];
    const first = errors[0] ?? {};
    const code = first.code === undefined ? String(res.status) : String(first.code);
    const type = faultBody.type ?? "";
    const text = [first.Message ?? first.message, first.Detail ?? first.detail].filter(Boolean).join(": ");
    const base = { status: res.status, vendorCode: code, body: res.text };
    const message = `QuickBooks ${type || "Fault"} ${code}: ${text || `HTTP ${res.status}`}`;
    if (/^Authentication/i.test(type) || res.status === 401) return { ...base, kind: "auth", message };
    if (/^Authori[sz]ato?n?Fault$/i.test(type) || res.status === 403) return { ...base, kind: "auth", message };
    if (res.status === 429 || code === "3001" || code === "003001" || /ThrottleExceeded/.test(text)) {
      return { ...base, kind: "rate_limited", message, retryAfterSeconds: retryAfter ?? THROTTLE_WAIT_SECONDS };
    }
    // 5010 Stale Object (an older SyncToken) and 6140 Duplicate Doc Num: someone else holds the newer state.
    if (code === "5010" || code === "6140") return { ...base, kind: "conflict", message };
    if (/^SystemFault$/i.test(type) || res.status >= 500) return { ...base, kind: "retryable", message, retryAfterSeconds: retryAfter };
    return { ...base, kind: "permanent", message };
  }
  if (res.status >= 200 && res.status < 300) return null;
  const tokenError = TokenError.safeParse(body);
  if (tokenError.success && (res.status === 400 || res.status === 401)) {
    // invalid_grant (refresh token used, rotated away or revoked) and invalid_client need a person to reconnect.
    return { kind: "auth", status: res.status, vendorCode: tokenError.data.error, message: `QuickBooks OAuth: ${tokenError.data.error}`, body: res.text };
  }
  return classifyStatus(res.status, res.text, res.status === 429 ? (retryAfter ?? THROTTLE_WAIT_SECONDS) : retryAfter);
}
