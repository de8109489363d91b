// Odoo answers → error kinds: JSON-2 error objects by HTTP status, XML-RPC faults inside HTTP 200, exception names kept.
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { Json2Error } from "./schemas";
import { XmlRpcError, decodeMethodResponse } from "./xmlrpc";

/** Exceptions that will fail the same way on every retry: bad data or a programming error, never load. */
const PERMANENT = /(ValidationError|UserError|MissingError|AccessError|ValueError|TypeError|KeyError|IndexError|AttributeError|RedirectWarning|UnprocessableEntity|NotFound|BadRequest)$/;
/** Transient database contention Odoo itself retries (a concurrent update). */
const TRANSIENT = /(SerializationFailure|LockNotAvailable|OperationalError|concurrent update)/;

// XML-RPC faults (odoo/service/wsgi_server.py xmlrpc_handle_exception_int): 3 AccessDenied, 4 AccessError, 2 UserError/warnings, 1 anything else.
function classifyFault(res: HttpResponse, code: number | string, text: string): ErrorDetail {
  const last = text.trim().split("\n").filter(Boolean).pop() ?? text;
  const name = /^([\w.]+(?:Error|Exception|Denied|Warning|Failure))\b/.exec(last)?.[1];
  const base = { status: res.status, vendorCode: name ? `${name}` : `fault ${code}`, body: res.text.slice(0, 4000), message: `Odoo fault ${code}: ${last.slice(0, 500)}` };
  if (String(code) === "3" || /AccessDenied/.test(last)) return { ...base, kind: "auth" };
  if (TRANSIENT.test(text)) return { ...base, kind: "retryable" };
  return { ...base, kind: "permanent" };
}

export function classify(res: HttpResponse): ErrorDetail | null {
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status >= 200 && res.status < 300) {
    if (!res.text.includes("<methodResponse")) return null;
    try {
      const decoded = decodeMethodResponse(res.text);
      return decoded.ok ? null : classifyFault(res, decoded.fault.faultCode, decoded.fault.faultString);
    } catch (err) {
      if (err instanceof XmlRpcError) return { kind: "retryable", status: res.status, vendorCode: "xmlrpc", message: `Odoo answered XML-RPC that does not decode: ${err.message}`, body: res.text.slice(0, 4000) };
      throw err;
    }
  }
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = null;
  }
  const parsed = Json2Error.safeParse(json);
  if (!parsed.success) return classifyStatus(res.status, res.text, retryAfter);
  // https://github.com/odoo/documentation content/developer/reference/external_api.rst (JSON-2 errors: {name, message, arguments, context, debug})
  const { name, message } = parsed.data;
  const base = { status: res.status, vendorCode: name, body: res.text.slice(0, 4000), message: `Odoo ${name}: ${message}` };
  if (res.status === 401 || /AccessDenied|Unauthorized/.test(name)) return { ...base, kind: "auth" };
  if (res.status === 429 || res.status === 503) return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? 30 };
  if (TRANSIENT.test(`${name} ${message}`)) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  if (PERMANENT.test(name) || (res.status >= 400 && res.status < 500)) return { ...base, kind: "permanent" };
  return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
}
