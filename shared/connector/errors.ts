// The closed set of error kinds every connector speaks; only the HTTP edge and the queue consumer act on them.
export const ERROR_KINDS = ["auth", "rate_limited", "retryable", "permanent", "conflict"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorDetail {
  kind: ErrorKind;
  message: string;
  /** The vendor's own error code (QuickBooks "6140", Xero "ValidationException", HTTP status when there is none). */
  vendorCode?: string;
  status?: number;
  retryAfterSeconds?: number;
  /** The vendor's error body, trimmed, for the failures page. */
  body?: string;
}

export class ConnectorError extends Error {
  override name = "ConnectorError";
  readonly kind: ErrorKind;
  readonly vendorCode: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly body: string | undefined;

  constructor(detail: ErrorDetail) {
    super(detail.message);
    this.kind = detail.kind;
    this.vendorCode = detail.vendorCode;
    this.status = detail.status;
    this.retryAfterSeconds = detail.retryAfterSeconds;
    this.body = detail.body?.slice(0, 4000);
  }

  toJSON(): ErrorDetail {
    return {
      kind: this.kind,
      message: this.message,
      vendorCode: this.vendorCode,
      status: this.status,
      retryAfterSeconds: this.retryAfterSeconds,
      body: this.body,
    };
  }
}

/** A source payload that verified but cannot be turned into a canonical event; it goes to quarantine. */
export class NormalizeError extends Error {
  override name = "NormalizeError";
}

/** Parses a Retry-After header (seconds or HTTP date) into whole seconds, at least 1. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

/** Default classification by HTTP status, for vendors whose error bodies add nothing to it. */
export function classifyStatus(status: number, body: string, retryAfter?: number): ErrorDetail | null {
  if (status >= 200 && status < 300) return null;
  const base = { status, vendorCode: String(status), body };
  if (status === 401 || status === 403) return { ...base, kind: "auth", message: `HTTP ${status}` };
  if (status === 429) return { ...base, kind: "rate_limited", message: "rate limited", retryAfterSeconds: retryAfter };
  if (status === 409 || status === 412) return { ...base, kind: "conflict", message: `HTTP ${status}` };
  if (status === 408 || status >= 500) return { ...base, kind: "retryable", message: `HTTP ${status}`, retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent", message: `HTTP ${status}` };
}
