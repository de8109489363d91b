// Every connector, by slug (= folder name = value stored in D1). Adding a platform is one line here.
import type { Connector, DestinationConnector, SourceConnector } from "../../shared/connector/contract";

export const CONNECTORS: Record<string, Connector> = {};

export function sourceConnector(slug: string): SourceConnector | undefined {
  const c = CONNECTORS[slug];
  return c?.kind === "source" ? c : undefined;
}

export function destinationConnector(slug: string): DestinationConnector | undefined {
  const c = CONNECTORS[slug];
  return c?.kind === "destination" ? c : undefined;
}
