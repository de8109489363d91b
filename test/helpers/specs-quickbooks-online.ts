// Intuit-written QuickBooks Online fixtures read from ../shared/specs at test time (never copied into the repo).
const files = import.meta.glob(["../../../shared/specs/quickbooks-online/examples/*.json", "../../../shared/specs/quickbooks-online/oauth-fixtures/*.json"], {
  eager: true,
  import: "default",
}) as Record<string, unknown>;

/** A QBO fixture by file name ("fault.response.template.json", "success_refreshtoken_response.json"). */
export function qboFixture<T = unknown>(file: string): T {
  const key = Object.keys(files).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no QuickBooks fixture ${file}`);
  return structuredClone(files[key]) as T;
}
