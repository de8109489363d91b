// Oracle-written NetSuite examples read from ../shared/specs at test time, plus NetSuite's login-failure body.
const files = import.meta.glob("../../../shared/specs/netsuite/*.json", { eager: true, import: "default" }) as Record<string, unknown>;

/** A NetSuite Help Center example by file name ("rest_idempotency_conflict.response.json"). */
export function netsuiteFixture<T = unknown>(file: string): T {
  const key = Object.keys(files).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no NetSuite fixture ${file}`);
  return structuredClone(files[key]) as T;
}

export const netsuiteSpec = {
  /**
   * What REST web services answer to any TBA failure, verbatim from a live account
   * (github.com/jacobsvante/netsuite/issues/27; the same text in github.com/drudge/n8n-nodes-netsuite/issues/9).
   */
  invalidLogin: {
    status: 401,
    code: "INVALID_LOGIN",
    detail: "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.",
  },
};
