/** @jsxImportSource hono/jsx */
// The posting-profile page: the form generated from the connector's schema, the whole config as JSON, issues in place.
import type { PublicConnection } from "./data";
import { columnNames, issuesByField, issueText, ROW_COUNT, type Field, type FormValues, type Issue, type ProfileForm, type Scalar } from "./profile-form";
import { Layout } from "./views";

/** Empty rows under each mapping table (save to get more). */
const BLANK_ROWS = 2;

export interface ProfilePageProps {
  conn: PublicConnection;
  platform: string;
  form: ProfileForm;
  values: FormValues;
  json: string;
  issues: Issue[];
  saved: boolean;
  /** Top-level keys of the shared posting profile, shown in their own section when the schema extends it. */
  profileKeys: string[];
}

export function ProfilePage(p: ProfilePageProps) {
  const byField = issuesByField(p.form, p.issues);
  const top = new Set([...p.form.fields.map((f) => f.path[0]!), ...p.form.jsonOnly.map((n) => n.split(".")[0]!)]);
  const sections: Array<[string, Field[]]> = p.profileKeys.every((k) => top.has(k))
    ? [["Posting profile", p.form.fields.filter((f) => p.profileKeys.includes(f.path[0]!))], [`${p.platform} settings`, p.form.fields.filter((f) => !p.profileKeys.includes(f.path[0]!))]]
    : [[`${p.platform} settings`, p.form.fields]];
  const jsonIssues = byField.get("") ?? [];
  const noun = p.conn.role === "destination" ? "Posting profile" : "Settings";
  return (
    <Layout title={`${noun} · ${p.conn.id}`}>
      <p>
        {p.conn.name} · {p.platform} {p.conn.role} · <a href="/admin/connections">all connections</a>
      </p>
      <p class="help">Credentials are stored encrypted; they are not shown or changed here.</p>
      {p.saved ? <p class="tag ok" role="status">Saved.</p> : null}
      {p.issues.length > 0 ? (
        <div class="issues-summary" role="alert">
          <p><strong>Not saved.</strong> {p.issues.length === 1 ? "One problem, also shown beside its field:" : `${p.issues.length} problems, also shown beside their fields:`}</p>
          <ul>{p.issues.map((i) => <li>{issueText(i)}</li>)}</ul>
        </div>
      ) : null}
      <form method="post" action={`/admin/connections/${encodeURIComponent(p.conn.id)}/profile`}>
        {sections.filter(([, fields]) => fields.length > 0).map(([title, fields]) => (
          <section>
            <h2>{title}</h2>
            {fields.map((f) => <FieldView f={f} values={p.values} issues={byField} />)}
          </section>
        ))}
        <details open={jsonIssues.length > 0 || p.form.fields.length === 0}>
          <summary>Advanced: the whole configuration as JSON</summary>
          <p class="help" id="json-help">
            Every setting of this connection, vendor-specific ones included. On save, a field changed in the form above
            replaces the same setting here; everything else is saved as written here.
            {p.form.jsonOnly.length > 0 ? <> Only editable here: {p.form.jsonOnly.map((n) => <code>{n} </code>)}</> : null}
          </p>
          <label for="f-json">Configuration (JSON)</label>
          <textarea id="f-json" name="json" rows={24} spellcheck={false} aria-describedby={describedBy("json-help", jsonIssues.length > 0 && "json-issues")} aria-invalid={jsonIssues.length > 0 ? "true" : undefined}>
            {p.json}
          </textarea>
          <Issues id="json-issues" list={jsonIssues} />
        </details>
        <p><button type="submit">Save</button></p>
      </form>
    </Layout>
  );
}

function FieldView(props: { f: Field; values: FormValues; issues: Map<string, Issue[]> }) {
  const { f, values } = props;
  const id = fieldId(f.name);
  const issues = props.issues.get(f.name) ?? [];
  const helpId = f.help ? `${id}-help` : false;
  const issuesId = issues.length > 0 && `${id}-issues`;
  const help = f.help ? <small id={`${id}-help`} class="help">{f.help}</small> : null;
  if (f.kind === "group") {
    return (
      <fieldset>
        <legend>{f.label} <code class="path">{f.name}</code></legend>
        {help}
        <Issues id={`${id}-issues`} list={issues} />
        {f.fields.map((child) => <FieldView f={child} values={values} issues={props.issues} />)}
      </fieldset>
    );
  }
  if (values.locked.has(f.name)) {
    return (
      <div class="field">
        <span>{f.label}</span> <code class="path">{f.name}</code>
        <small class="help">Its value cannot be shown in a form field: edit it in the JSON below.</small>
        <Issues id={`${id}-issues`} list={issues} />
      </div>
    );
  }
  if (f.kind === "scalar") {
    const raw = values.scalars[f.name] ?? "";
    return (
      <div class="field">
        <label for={id}>{f.label}</label>
        <Control id={id} name={f.name} scalar={f.scalar} raw={raw} invalid={issues.length > 0} describedBy={describedBy(helpId, issuesId)} />
        <code class="path">{f.name}</code>
        {help}
        <Issues id={`${id}-issues`} list={issues} />
      </div>
    );
  }
  const names = columnNames(f);
  const headers = [...(f.keyed ? [f.keyLabel] : []), ...f.columns.map((c) => c.label)];
  const scalars: Scalar[] = [...(f.keyed ? [{ kind: "text", options: [], required: true } as Scalar] : []), ...f.columns.map((c) => c.scalar)];
  const rows = [...(values.rows[f.name] ?? []), ...Array.from({ length: BLANK_ROWS }, () => names.map(() => ""))];
  // An issue at <field>.<key or index>[.<column>] marks that row's cell (every cell of the row when it names none).
  const cellHasIssue = (i: number, j: number) =>
    issues.some((issue) => {
      const rest = issue.path.slice(f.path.length).map(String);
      const inRow = rest.length > 0 && (f.keyed ? rows[i]![0] === rest[0] : String(i) === rest[0]);
      return inRow && (rest.length < 2 || !f.objectValues || names[j] === rest[1]);
    });
  return (
    <fieldset class="rows">
      <legend>{f.label} <code class="path">{f.name}</code></legend>
      {help}
      <table>
        <tr>{headers.map((h) => <th scope="col">{h}</th>)}</tr>
        {rows.map((row, i) => (
          <tr>
            {row.map((cell, j) => (
              <td>
                <Control name={`${f.name}.${i}.${names[j]}`} scalar={scalars[j]!} raw={cell} label={`${f.label}, row ${i + 1}, ${headers[j]}`} invalid={cellHasIssue(i, j)} describedBy={describedBy(j === 0 && helpId, issuesId)} />
              </td>
            ))}
          </tr>
        ))}
      </table>
      <input type="hidden" name={`${f.name}.${ROW_COUNT}`} value={String(rows.length)} />
      <small class="help">Empty rows are ignored; clear a row to remove it. Save to get more empty rows.</small>
      <Issues id={`${id}-issues`} list={issues} />
    </fieldset>
  );
}

function Control(props: { id?: string; name: string; scalar: Scalar; raw: string; label?: string; invalid: boolean; describedBy?: string }) {
  const { scalar: s, raw } = props;
  const common = { id: props.id, name: props.name, "aria-label": props.label, "aria-invalid": props.invalid ? "true" : undefined, "aria-describedby": props.describedBy };
  const fallback = s.defaultValue === undefined || typeof s.defaultValue === "object" ? undefined : String(s.defaultValue);
  if (s.kind === "checkbox") {
    return (
      <>
        <input type="hidden" name={props.name} value="" />
        <input type="checkbox" {...common} value="on" checked={raw === "on"} />
      </>
    );
  }
  if (s.kind === "select") {
    const options = raw !== "" && !s.options.includes(raw) ? [...s.options, raw] : s.options;
    const empty = s.required ? "(choose)" : fallback !== undefined ? `(default: ${fallback})` : "(not set)";
    return (
      <select {...common}>
        <option value="" selected={raw === ""}>{empty}</option>
        {options.map((o) => <option value={o} selected={raw === o}>{o}</option>)}
      </select>
    );
  }
  const placeholder = fallback !== undefined && fallback !== "" ? `default: ${fallback}` : undefined;
  return s.kind === "number" ? <input type="number" step="any" {...common} value={raw} placeholder={placeholder} /> : <input type="text" {...common} value={raw} placeholder={placeholder} />;
}

function Issues(props: { id: string; list: Issue[] }) {
  if (props.list.length === 0) return null;
  return <ul id={props.id} class="issues">{props.list.map((i) => <li>{issueText(i)}</li>)}</ul>;
}

function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  const list = ids.filter((x): x is string => typeof x === "string" && x !== "");
  return list.length > 0 ? list.join(" ") : undefined;
}
