// The HTTP client's budget hooks: every request that passed beforeRequest gets exactly one afterRequest, with itself,
// however it ends — the ConnectionActor's budget counts it in flight until then.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { HttpClient, type HttpRequest, type HttpResponse } from "../../shared/connector/http";

const BASE = "https://api.example.com";

function client(fetch: typeof globalThis.fetch) {
  const before: HttpRequest[] = [];
  const after: Array<{ status: number | null; req: HttpRequest }> = [];
  const http = new HttpClient({
    baseUrl: BASE,
    allowedHosts: ["api.example.com"],
    classify: () => null,
    fetch,
    beforeRequest: async (req) => {
      before.push(req);
    },
    afterRequest: (res: HttpResponse | null, req: HttpRequest) => {
      after.push({ status: res?.status ?? null, req });
    },
  });
  return { http, before, after };
}

describe("HttpClient hooks", () => {
  it("answered, failed to connect, or broken off mid-body: one afterRequest each, with the request it answers", async () => {
    const answered = client(async () => new Response("ok", { status: 200 }));
    const req: HttpRequest = { method: "GET", url: "/a" };
    await answered.http.raw(req);
    expect(answered.after).toEqual([{ status: 200, req }]);

    const refused = client(async () => {
      throw new TypeError("connection refused");
    });
    const err1 = await refused.http.raw({ method: "GET", url: "/b" }).then(() => null, (e: unknown) => e);
    expect(err1).toBeInstanceOf(ConnectorError);
    expect(refused.after.map((a) => [a.status, a.req.url])).toEqual([[null, "/b"]]);

    const broken = client(async () => new Response(new ReadableStream({ start: (c) => c.error(new Error("reset mid-body")) }), { status: 200 }));
    const err2 = await broken.http.raw({ method: "GET", url: "/c" }).then(() => null, (e: unknown) => e);
    expect(err2).toBeInstanceOf(ConnectorError);
    expect((err2 as ConnectorError).kind).toBe("retryable");
    expect(broken.before).toHaveLength(1);
    expect(broken.after.map((a) => [a.status, a.req.url])).toEqual([[null, "/c"]]);
  });
});
