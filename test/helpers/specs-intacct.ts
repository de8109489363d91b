// Sage Intacct-written fixtures read from ../shared/specs/sage-intacct at test time (never copied into the repo).
const files = import.meta.glob("../../../shared/specs/sage-intacct/examples/*.xml", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

/** An Intacct example response by file name ("xml_parse_error.response.xml"). */
export function intacctExample(file: string): string {
  const key = Object.keys(files).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no Intacct example ${file}`);
  return files[key]!;
}
