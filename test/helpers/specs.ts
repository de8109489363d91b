// Vendor-written fixtures read from ../shared/specs at test time (never copied into the repo).
const shopifyResponses = import.meta.glob("../../../shared/specs/shopify/rest-2024-04-responses/*.json", {
  eager: true,
  import: "default",
}) as Record<string, unknown>;

/** A Shopify REST 2024-04 example response by file name ("order.test_1.GET.json"). */
export function shopifyResponse<T = unknown>(file: string): T {
  const key = Object.keys(shopifyResponses).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no Shopify fixture ${file}`);
  return structuredClone(shopifyResponses[key]) as T;
}

export function shopifyResponseFiles(): string[] {
  return Object.keys(shopifyResponses).map((k) => k.split("/").pop()!);
}
