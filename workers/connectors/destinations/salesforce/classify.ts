// Salesforce answers → error kinds: REST error arrays, OAuth errors, and a failed composite graph inside HTTP 200.
import { classifyStatus, parseRetryAfter, type ErrorDetail } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { GraphResponse, SfErrors, SfOAuthError } from "./schemas";

/** Limits are per 24 h or per concurrent long-running call; Salesforce sends no Retry-After, so wait a while. */
const LIMIT_WAIT_SECONDS = 60;

function fromErrors(res: HttpResponse, errors: { message: string; errorCode: string; fields?: string[] }[], retryAfter?: number): ErrorDetail {
  const first = errors[0]!;
  const base = { status: res.status, vendorCode: first.errorCode, body: res.text.slice(0, 4000), message: `Salesforce ${first.errorCode}: ${first.message}${first.fields?.length ? ` (${first.fields.join(", ")})` : ""}` };
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
  if (first.errorCode === "INVALID_SESSION_ID" || res.status === 401) return { ...base, kind: "auth" };
  if (first.errorCode === "REQUEST_LIMIT_EXCEEDED") return { ...base, kind: "rate_limited", retryAfterSeconds: retryAfter ?? LIMIT_WAIT_SECONDS };
  if (["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION"].includes(first.errorCode) || res.status >= 500) return { ...base, kind: "retryable", retryAfterSeconds: retryAfter };
  if (first.errorCode === "DUPLICATE_VALUE" || first.errorCode === "DUPLICATE_EXTERNAL_ID" || res.status === 300 || res.status === 409) return { ...base, kind: "conflict" };
  return { ...base, kind: "permanent" };
}

export function classify(res: HttpResponse): ErrorDetail | null {
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = null;
  }
  if (res.status >= 200 && res.status < 300) {
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph.htm (all or nothing per graph)
    const graph = GraphResponse.safeParse(json);
    if (!graph.success) return null;
    const failed = graph.data.graphs.find((g) => !g.isSuccessful);
    if (!failed) return null;
    const cause = failed.graphResponse.compositeResponse
      .map((n) => SfErrors.safeParse(n.body))
      .flatMap((p) => (p.success ? p.data : []))
      .find((e) => e.errorCode !== "PROCESSING_HALTED");
    return fromErrors(res, [cause ?? { errorCode: "PROCESSING_HALTED", message: `graph ${failed.graphId} was rolled back` }], retryAfter);
  }
  const errors = SfErrors.safeParse(json);
  if (errors.success) return fromErrors(res, errors.data, retryAfter);
  const oauth = SfOAuthError.safeParse(json);
  if (oauth.success) {
    return { kind: "auth", status: res.status, vendorCode: oauth.data.error, message: `Salesforce OAuth ${oauth.data.error}: ${oauth.data.error_description ?? ""}`, body: res.text };
  }
  if (res.status === 300) return { kind: "conflict", status: 300, vendorCode: "MULTIPLE_CHOICES", message: "Salesforce: the External ID matches more than one record", body: res.text };
  return classifyStatus(res.status, res.text, retryAfter);
}
