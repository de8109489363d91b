// S/4HANA (SAP Gateway) responses → the closed set of error kinds; CSRF refusals and stale ETags keep their codes.
import type { ErrorDetail } from "../../../../shared/connector/errors";
import { classifyStatus, parseRetryAfter } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { GatewayError } from "./schemas";

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
  // 403 + `x-csrf-token: Required`: the token or its session cookie is missing or expired — fetch a new one.
  if (res.status === 403 && (res.headers.get("x-csrf-token") ?? "").toLowerCase() === "required") {
    return { kind: "auth", status: 403, vendorCode: "csrf", message: `S/4HANA: ${res.text.trim() || "CSRF token validation failed"}`, body: res.text };
  }
  if (res.status === 401) return { kind: "auth", status: 401, vendorCode: "401", message: "S/4HANA: logon failed (communication user or password)", body: res.text.slice(0, 500) };
  const parsed = GatewayError.safeParse(parse(res.text));
  if (!parsed.success) return classifyStatus(res.status, res.text, retryAfter);
  const { code, message } = parsed.data.error;
  const text = typeof message === "string" ? message : message.value;
  const base = { status: res.status, vendorCode: code, body: res.text };
  const msg = `S/4HANA ${code}: ${text}`;
  if (res.status === 403) return { ...base, kind: "permanent", message: msg };
  if (res.status === 412 || res.status === 428 || res.status === 409) return { ...base, kind: "conflict", message: msg };
  if (res.status === 429) return { ...base, kind: "rate_limited", message: msg, retryAfterSeconds: retryAfter ?? 30 };
  if (res.status >= 500) return { ...base, kind: "retryable", message: msg, retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent", message: msg };
}
