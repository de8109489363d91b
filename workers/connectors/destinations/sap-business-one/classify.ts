// Service Layer responses → the closed set of error kinds, keeping B1's numeric error code.
import type { ErrorDetail } from "../../../../shared/connector/errors";
import { classifyStatus, parseRetryAfter } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { B1Error } from "./schemas";

/** 301 "Invalid session or session already timeout." (HTTP 401): log in again (github.com/NangoHQ/nango/pull/6638). */
export const INVALID_SESSION = "301";
/** 100000027 "Login failed" (destinations.md §2 [V]): wrong company, user or password — a person must fix it. */
export const LOGIN_FAILED = "100000027";

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  const parsed = B1Error.safeParse(parse(res.text));
  if (!parsed.success) return classifyStatus(res.status, res.text, retryAfter);
  const code = String(parsed.data.error.code);
  const msg = parsed.data.error.message;
  const base = { status: res.status, vendorCode: code, body: res.text };
  const message = `SAP Business One ${code}: ${typeof msg === "string" ? msg : msg.value}`;
  if (res.status === 401 || code === INVALID_SESSION || code === LOGIN_FAILED) return { ...base, kind: "auth", message };
  if (res.status === 429) return { ...base, kind: "rate_limited", message, retryAfterSeconds: retryAfter ?? 30 };
  if (res.status === 409 || res.status === 412) return { ...base, kind: "conflict", message };
  if (res.status >= 500) return { ...base, kind: "retryable", message, retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent", message };
}
