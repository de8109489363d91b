// Clover REST auth (bearer API token) and response classification keeping Clover's message and rate-limit headers.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";

/** Clover's REST API has one live version, v3 in the path. */
export const API_VERSION = "v3";

/** https://docs.clover.com/docs/using-api-tokens — `Authorization: Bearer <token>` (merchant API token or OAuth access token). */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const token = auth.credentials.accessToken;
  if (!token) throw new ConnectorError({ kind: "auth", message: "Clover connection has no accessToken credential", vendorCode: "missing_token" });
  req.headers.Authorization = `Bearer ${token}`;
  req.headers.Accept = "application/json";
}

function cloverMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown } | null;
    return typeof body?.message === "string" ? body.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * 401/403 auth; 429 rate_limited — Clover names the limit hit in X-RateLimit-* headers and sends retry-after on
 * concurrency 429s; without one it recommends a 1 s first backoff (https://docs.clover.com/docs/api-usage-rate-limits);
 * 5xx retryable; other 4xx permanent.
 */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const message = cloverMessage(res.text);
  const limit = [...res.headers.keys()].find((h) => h.toLowerCase().startsWith("x-ratelimit-"));
  const base = {
    status: res.status,
    vendorCode: limit && res.status === 429 ? limit : String(res.status),
    body: res.text,
    message: `Clover ${res.status}${message ? `: ${message}` : ""}`,
  };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 1 };
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
