// Odoo-written JSON-2 examples from ../shared/specs/odoo (documentation source external_api.rst): request, response, 401 error.
const files = import.meta.glob("../../../shared/specs/odoo/*.json", { eager: true, import: "default" }) as Record<string, unknown>;

export function odooFixture<T = unknown>(name: string): T {
  const key = Object.keys(files).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no Odoo fixture ${name}`);
  return structuredClone(files[key]) as T;
}
