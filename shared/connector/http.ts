// The only way a connector reaches the network: declared hosts only, auth injected, responses classified.
import { ConnectorError, parseRetryAfter, type ErrorDetail } from "./errors";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "MERGE";
  /** Absolute URL, or a path joined to the connection's base URL. */
  url: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: string;
  /** Skip the auth hook (token and login endpoints). */
  anonymous?: boolean;
  /** A vendor batch request carrying this many operations (set by the batch coalescer; budgets count batches apart). */
  batchOf?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
  json<T = unknown>(): T;
}

/** Turns a response into an error detail, or null when it is a success. Vendors supply their own. */
export type Classifier = (res: HttpResponse) => ErrorDetail | null;

/** Adds credentials to a request (bearer token, OAuth 1.0a signature, session cookie). */
export type Authorizer = (req: HttpRequest & { url: string; headers: Record<string, string> }) => Promise<void> | void;

export interface HttpClientOptions {
  baseUrl: string;
  /** Hosts the connector declared ("*.myshopify.com" wildcards allowed), plus an approved base-URL override host. */
  allowedHosts: readonly string[];
  classify: Classifier;
  authorize?: Authorizer;
  /** Called before each request (rate budget); may throw a rate_limited ConnectorError. */
  beforeRequest?: (req: HttpRequest) => Promise<void>;
  /** After every `beforeRequest`, with the response (null on a network error) and the request it answers. */
  afterRequest?: (res: HttpResponse | null, req: HttpRequest) => void;
  fetch?: typeof fetch;
  /**
   * Answers every request in place of the auth, budget and fetch below (the ConnectionActor's batch coalescer, which
   * sends through a client without it, alone or inside one vendor batch request).
   */
  intercept?: (req: HttpRequest, url: URL) => Promise<HttpResponse>;
  timeoutMs?: number;
  userAgent?: string;
}

export class HttpClient {
  constructor(private readonly opts: HttpClientOptions) {}

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** The same client with `intercept` in front of its transport. */
  intercepted(intercept: NonNullable<HttpClientOptions["intercept"]>): HttpClient {
    return new HttpClient({ ...this.opts, intercept });
  }

  resolve(url: string, query?: HttpRequest["query"]): URL {
    const u = /^https?:\/\//.test(url) ? new URL(url) : new URL(joinPath(this.opts.baseUrl, url));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** Sends a request; returns the response when the classifier calls it a success, otherwise throws ConnectorError. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.raw(req);
    const problem = this.opts.classify(res);
    if (problem) throw new ConnectorError(problem);
    return res;
  }

  /** Sends a request and returns whatever came back (for callers that read 404 as "not found"). */
  async raw(req: HttpRequest): Promise<HttpResponse> {
    const url = this.resolve(req.url, req.query);
    if (!hostAllowed(url.host, this.opts.allowedHosts)) {
      throw new ConnectorError({ kind: "permanent", message: `host ${url.host} is not declared by this connector`, vendorCode: "undeclared_host" });
    }
    if (this.opts.intercept) return this.opts.intercept(req, url);
    const headers: Record<string, string> = { "user-agent": this.opts.userAgent ?? "OrderMesh/0.1", ...(req.headers ?? {}) };
    const prepared = { ...req, url: url.toString(), headers };
    if (!req.anonymous && this.opts.authorize) await this.opts.authorize(prepared);
    await this.opts.beforeRequest?.(req);
    const doFetch = this.opts.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(prepared.url, {
        method: req.method,
        headers: prepared.headers,
        body: prepared.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
      });
    } catch (err) {
      this.opts.afterRequest?.(null, req);
      throw new ConnectorError({ kind: "retryable", message: `network error: ${(err as Error).message}`, vendorCode: "network" });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      // The body broke off (a timeout mid-read): the request is over all the same, for the budget too.
      this.opts.afterRequest?.(null, req);
      throw new ConnectorError({ kind: "retryable", message: `network error reading the response: ${(err as Error).message}`, vendorCode: "network" });
    }
    const out: HttpResponse = {
      status: response.status,
      headers: response.headers,
      text,
      url: prepared.url,
      json<T>() {
        return JSON.parse(text) as T;
      },
    };
    this.opts.afterRequest?.(out, req);
    return out;
  }
}

/** Exact host match, or a leading "*." wildcard for per-tenant vendor hosts ("*.myshopify.com"). */
/** The body of a 2xx response as JSON; undefined for any other status or a body that is not JSON. */
export function successJson(res: HttpResponse): unknown {
  if (res.status < 200 || res.status >= 300) return undefined;
  try {
    return res.json();
  } catch {
    return undefined;
  }
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => (a.startsWith("*.") ? host.endsWith(a.slice(1)) && host.length > a.length - 1 : a === host));
}

function joinPath(base: string, path: string): string {
  return base.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

export { parseRetryAfter };
