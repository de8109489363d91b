// Reading fast-xml-parser's ordered (preserveOrder) nodes: tag, children, attributes.

/** An ordered XML node as fast-xml-parser's preserveOrder mode yields it. */
export type XNode = Record<string, unknown> & { ":@"?: Record<string, string> };

export function tag(n: XNode): string {
  return Object.keys(n).find((k) => k !== ":@") ?? "";
}

export function kids(n: XNode): XNode[] {
  const v = n[tag(n)];
  return Array.isArray(v) ? (v as XNode[]) : [];
}

export function attr(n: XNode, name: string): string | undefined {
  return n[":@"]?.[`@_${name}`];
}
