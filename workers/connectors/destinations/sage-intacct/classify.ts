// Intacct gateway answers → error kinds: HTTP 429 (GW-0010), control, authentication and function failures under HTTP 200.
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { ResponseDoc } from "./schemas";
import { parseXml } from "./xml";

/** No Retry-After on a 429: a minute is a safe pause for a concurrency or rate breach. */
const DEFAULT_WAIT = 60;

type Err = { errorno: string; description: string; description2: string; correction: string };

function text(errors: Err[]): string {
  return errors.map((e) => [e.errorno, e.description, e.description2, e.correction].filter(Boolean).join(" ")).join("; ");
}

// https://developer.intacct.com/web-services/error-handling/ — XML validation (XL03000003), gateway (GW-nnnn, 429 GW-0010),
// business logic at the control, authentication or function level; the HTTP status is 200 for all but the gateway's.
export function classify(res: HttpResponse): ErrorDetail | null {
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 429) return { kind: "rate_limited", status: 429, vendorCode: /GW-\d+/.exec(res.text)?.[0] ?? "429", message: "Sage Intacct rate limit (429)", retryAfterSeconds: retryAfter ?? DEFAULT_WAIT, body: res.text };
  if (res.status < 200 || res.status >= 300) return classifyStatus(res.status, res.text, retryAfter);
  let parsed;
  try {
    parsed = ResponseDoc.safeParse(parseXml(res.text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) return { kind: "retryable", status: res.status, vendorCode: "response_shape", message: "Sage Intacct answered something that is not a gateway response", body: res.text };
  const r = parsed.data.response;
  const base = { status: res.status, body: res.text };
  if (r.control.status !== "success") {
    const errs = (r.errormessage?.error ?? []) as Err[];
    const code = errs[0]?.errorno || "control";
    const message = `Sage Intacct control failure: ${text(errs)}`;
    if (code.startsWith("GW-")) return { ...base, kind: code === "GW-0010" ? "rate_limited" : "retryable", vendorCode: code, message, retryAfterSeconds: retryAfter ?? DEFAULT_WAIT };
    // XL03000005: the Web Services sender is wrong or not authorized for the company — credentials, like a login.
    if (code === "XL03000005") return { ...base, kind: "auth", vendorCode: code, message };
    return { ...base, kind: "permanent", vendorCode: code, message };
  }
  for (const op of r.operation ?? []) {
    if (op.authentication.status !== "success") {
      const errs = (op.errormessage?.error ?? []) as Err[];
      // XL03000006 "Sign-in information is incorrect": a bad login or an expired session → sign in again.
      return { ...base, kind: "auth", vendorCode: errs[0]?.errorno || "authentication", message: `Sage Intacct authentication failure: ${text(errs)}` };
    }
    const failed = (op.result ?? []).find((x) => x.status !== "success");
    if (failed) {
      const errs = ((failed.errormessage?.error ?? []) as Err[]).filter((e) => e.errorno !== "XL03000009");
      return { ...base, kind: "permanent", vendorCode: errs[0]?.errorno || failed.status, message: `Sage Intacct ${failed.function} ${failed.status}: ${text(errs)}` };
    }
  }
  return null;
}
