// PrestaShop webservice auth (the key as HTTP Basic user, no password), output format, and response classification.
import type { AuthMaterial } from "../../../../shared/connector/contract";
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { xmlErrors } from "./xml";

/** The webservice has no version in its paths; the resource shapes pinned are PrestaShop 8's. */
export const API_VERSION = "8";

/**
 * https://devdocs.prestashop-project.org/8/webservice/tutorials/creating-access/ — the webservice key is sent as the
 * HTTP Basic user name with an empty password (or as ?ws_key=).
 */
export function authorize(req: { headers: Record<string, string> }, auth: AuthMaterial): void {
  const key = auth.credentials.webserviceKey;
  if (!key) throw new ConnectorError({ kind: "auth", message: "PrestaShop connection has no webserviceKey", vendorCode: "missing_key" });
  req.headers.Authorization = `Basic ${btoa(`${key}:`)}`;
}

/** Error bodies: XML <errors><error><code/><message/></error></errors>, or JSON {"errors":[{"code","message"}]}. */
function prestashopErrors(text: string): { code?: string; message?: string }[] {
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(body.errors)) return body.errors.map((e) => ({ code: e.code === undefined ? undefined : String(e.code), message: typeof e.message === "string" ? e.message : undefined }));
  } catch {
    // not JSON: the XML output format
  }
  return xmlErrors(text);
}

/** 401/403 auth; 429 rate_limited; 5xx retryable; other 4xx permanent — the webservice's own error code kept. */
export function classify(res: HttpResponse): ErrorDetail | null {
  if (res.status >= 200 && res.status < 300) return null;
  const [first] = prestashopErrors(res.text);
  const base = {
    status: res.status,
    vendorCode: first?.code ?? String(res.status),
    body: res.text,
    message: `PrestaShop ${res.status}${first?.message ? `: ${first.message}` : ""}`,
  };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 401 || res.status === 403) return { ...base, kind: "auth" };
  if (res.status === 429) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 60 };
  if (res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  return { ...base, kind: "permanent" };
}
