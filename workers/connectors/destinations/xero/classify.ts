// Xero responses → the closed set of error kinds, keeping Xero's exception type and validation messages.
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { ErrorBody, ProblemBody, TokenError } from "./schemas";

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Xero tells a minute, day or concurrency breach apart in X-Rate-Limit-Problem; a day breach waits far longer. */
const DAY_WAIT_SECONDS = 3600;

// https://developer.xero.com/documentation/guides/oauth2/limits/ (429 with Retry-After and X-Rate-Limit-Problem)
// https://developer.xero.com/documentation/api/accounting/responsecodes (400 ValidationException, 401, 403, 404, 429, 5xx)
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const body = parse(res.text);
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 429) {
    const problem = res.headers.get("x-rate-limit-problem") ?? "minute";
    return {
      kind: "rate_limited",
      status: 429,
      vendorCode: `rate-limit:${problem}`,
      message: `Xero ${problem} rate limit reached`,
      retryAfterSeconds: retryAfter ?? (problem === "day" ? DAY_WAIT_SECONDS : 60),
      body: res.text,
    };
  }
  const token = TokenError.safeParse(body);
  if (token.success && (res.status === 400 || res.status === 401)) {
    // invalid_grant: the single-use refresh token was used already or has expired; a person must reconnect.
    return { kind: "auth", status: res.status, vendorCode: token.data.error, message: `Xero OAuth: ${token.data.error}`, body: res.text };
  }
  if (res.status === 401 || res.status === 403) {
    const p = ProblemBody.safeParse(body);
    const detail = p.success ? (p.data.Detail ?? p.data.Title ?? "") : "";
    return { kind: "auth", status: res.status, vendorCode: detail.split(":")[0] || String(res.status), message: `Xero ${res.status}: ${detail || "unauthorised"}`, body: res.text };
  }
  const err = ErrorBody.safeParse(body);
  if (err.success && err.data.Type) {
    const messages = (err.data.Elements ?? []).flatMap((e) => (e.ValidationErrors ?? []).map((v) => v.Message));
    const message = `Xero ${err.data.Type}: ${messages.length ? messages.join("; ") : (err.data.Message ?? `HTTP ${res.status}`)}`;
    const base = { status: res.status, vendorCode: err.data.Type, message, body: res.text };
    if (messages.some((m) => /must be unique/i.test(m))) return { ...base, kind: "conflict" };
    if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
    return { ...base, kind: "permanent" };
  }
  return classifyStatus(res.status, res.text, retryAfter);
}
