/** @jsxImportSource hono/jsx */
// Server-rendered admin views (Hono JSX): one layout, small tables, no client-side framework.
import type { Child } from "hono/jsx";
import { formatMinor } from "../../shared/model/money";

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:18px;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header strong{margin-right:12px}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 20px}
th,td{border-bottom:1px solid #e3e6eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.tag{display:inline-block;padding:1px 7px;border-radius:9px;background:#e6ecf5;font-size:12px}
.bad{background:#fde2e1}.ok{background:#dff4e4}.warn{background:#fff2cc}
.cards{display:flex;gap:12px;margin:8px 0 16px}.card{background:#fff;padding:10px 16px;border-radius:6px;min-width:130px}
.card b{display:block;font-size:22px}
pre{background:#fff;padding:8px;overflow:auto;max-height:240px;font-size:12px}
form.inline{display:inline}button{cursor:pointer}
fieldset{background:#fff;border:1px solid #e3e6eb;border-radius:6px;margin:10px 0;padding:8px 14px}legend{font-weight:600;padding:0 4px}
.field{display:grid;grid-template-columns:minmax(160px,240px) minmax(200px,360px) auto;gap:2px 12px;align-items:center;margin:6px 0}
.field .help,.field .issues{grid-column:2/span 2}.help{display:block;color:#5b6475;font-size:12px}code.path{color:#5b6475;font-size:11px}
.issues{color:#a4161a;margin:4px 0;padding-left:18px}.issues-summary{background:#fde2e1;padding:8px 14px;border-radius:6px}
[aria-invalid=true]{outline:2px solid #a4161a}fieldset.rows table{width:auto}input,select,textarea{font:inherit}
textarea{width:100%;box-sizing:border-box;font-family:ui-monospace,monospace;font-size:12px}
`;

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · OrderMesh</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <strong>OrderMesh</strong>
          <a href="/admin">Overview</a>
          <a href="/admin/orders">Orders</a>
          <a href="/admin/failures">Failures</a>
          <a href="/admin/quarantine">Quarantine</a>
          <a href="/admin/runs">Reconciliation</a>
          <a href="/admin/connections">Connections</a>
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function Money(props: { minor: number; currency: string }) {
  return (
    <span class="num">
      {formatMinor(props.minor, props.currency)} {props.currency}
    </span>
  );
}

export function Status(props: { value: string }) {
  const cls = ["cancelled", "failed", "open", "returned"].includes(props.value)
    ? "tag bad"
    : ["paid", "shipped", "delivered", "completed", "ok", "resolved"].includes(props.value)
      ? "tag ok"
      : "tag";
  return <span class={cls}>{props.value}</span>;
}

export function Cards(props: { items: Array<[string, number | string]> }) {
  return (
    <div class="cards">
      {props.items.map(([label, value]) => (
        <div class="card">
          <b>{value}</b>
          {label}
        </div>
      ))}
    </div>
  );
}

export function LoginPage(props: { error?: string }) {
  return (
    <Layout title="Sign in">
      {props.error ? <p class="tag bad">{props.error}</p> : null}
      <form method="post" action="/admin/login">
        <label>
          Admin token <input type="password" name="token" autocomplete="current-password" required />
        </label>{" "}
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
