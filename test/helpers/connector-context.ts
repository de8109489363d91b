// Builds a ConnectorContext for calling a connector directly against its sandbox simulator.
import type { Connector, ConnectorContext, ConnectionView } from "../../shared/connector/contract";
import { HttpClient } from "../../shared/connector/http";

export const SANDBOX = "http://localhost:8788";

export function connectorContext(
  connector: Connector,
  connection: Partial<ConnectionView> & { config?: Record<string, unknown>; credentials?: Record<string, string> },
  opts: { accessToken?: string; baseUrl?: string } = {},
): ConnectorContext {
  const baseUrl = opts.baseUrl ?? `${SANDBOX}/${connector.slug}`;
  const view: ConnectionView = {
    id: connection.id ?? `test-${connector.slug}`,
    slug: connector.slug,
    config: connection.config ?? {},
    credentials: connection.credentials ?? {},
  };
  const http = new HttpClient({
    baseUrl,
    allowedHosts: [...connector.hosts, new URL(baseUrl).host],
    classify: (res) => connector.classify(res),
    authorize: connector.authorize
      ? (req) => connector.authorize!(req, { credentials: view.credentials, config: view.config, accessToken: opts.accessToken, now: new Date() })
      : undefined,
  });
  const log = { info() {}, warn() {}, error() {} };
  return { http, clock: { now: () => new Date() }, log, connection: view };
}

/** Posts to a sandbox control endpoint and returns its JSON. */
export async function sandbox<T = unknown>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SANDBOX}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}
