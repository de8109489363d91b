// The webservice's two output formats: XML (<prestashop> with CDATA values and xlink references) and JSON.
// https://devdocs.prestashop-project.org/8/webservice/getting-started/ (output_format=JSON; XML by default)
import type { Rec } from "./query";

/** Fields that reference another resource carry an xlink:href in the XML output. */
const LINKS: Record<string, string> = {
  id_customer: "customers",
  id_currency: "currencies",
  id_carrier: "carriers",
  id_lang: "languages",
  id_cart: "carts",
  id_address_delivery: "addresses",
  id_address_invoice: "addresses",
  current_state: "order_states",
  product_id: "products",
  id_order: "orders",
};

function cdata(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return `<![CDATA[${s.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

function field(base: string, name: string, value: unknown, indent: string): string {
  if (Array.isArray(value) && value.every((v) => v && typeof v === "object" && "value" in (v as Rec))) {
    const langs = (value as Rec[]).map((l) => `${indent}\t<language id="${String(l.id ?? "1")}" xlink:href="${base}/api/languages/${String(l.id ?? "1")}">${cdata(l.value)}</language>`).join("\n");
    return `${indent}<${name}>\n${langs}\n${indent}</${name}>`;
  }
  const link = LINKS[name] && value !== "" && value !== "0" ? ` xlink:href="${base}/api/${LINKS[name]}/${String(value)}"` : "";
  return `${indent}<${name}${link}>${cdata(value)}</${name}>`;
}

function element(base: string, node: string, r: Rec, indent: string): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k === "associations" && v && typeof v === "object") {
      const assoc = Object.entries(v as Rec).map(([name, items]) => {
        const item = name.replace(/s$/, "");
        const rows = (Array.isArray(items) ? items : []).map((i) => element(base, item, i as Rec, `${indent}\t\t\t`)).join("\n");
        return `${indent}\t\t<${name} nodeType="${item}" virtualEntity="true">${rows ? `\n${rows}\n${indent}\t\t` : ""}</${name}>`;
      });
      parts.push(`${indent}\t<associations>\n${assoc.join("\n")}\n${indent}\t</associations>`);
    } else {
      parts.push(field(base, k, v, `${indent}\t`));
    }
  }
  return `${indent}<${node}>\n${parts.join("\n")}\n${indent}</${node}>`;
}

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">`;

export function xmlList(base: string, listNode: string, itemNode: string, resource: string, rows: Rec[], idsOnly: boolean): string {
  if (rows.length === 0) return `${HEAD}\n<${listNode}>\n</${listNode}>\n</prestashop>\n`;
  const body = idsOnly
    ? rows.map((r) => `\t<${itemNode} id="${String(r.id)}" xlink:href="${base}/api/${resource}/${String(r.id)}"/>`).join("\n")
    : rows.map((r) => element(base, itemNode, r, "\t")).join("\n");
  return `${HEAD}\n<${listNode}>\n${body}\n</${listNode}>\n</prestashop>\n`;
}

export function xmlOne(base: string, itemNode: string, r: Rec): string {
  return `${HEAD}\n${element(base, itemNode, r, "")}\n</prestashop>\n`;
}

export function xmlErrors(errors: { code: number; message: string }[]): string {
  const items = errors.map((e) => `<error>\n<code>${cdata(e.code)}</code>\n<message>${cdata(e.message)}</message>\n</error>`).join("\n");
  return `${HEAD}\n<errors>\n${items}\n</errors>\n</prestashop>\n`;
}

/** JSON output: ids as numbers, every other scalar as a string (associations kept as arrays). */
export function jsonRecord(r: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === "id") out[k] = Number(v);
    else if (k === "associations" && v && typeof v === "object") out[k] = Object.fromEntries(Object.entries(v as Rec).map(([n, items]) => [n, (Array.isArray(items) ? items : []).map((i) => jsonRecord(i as Rec))]));
    else if (Array.isArray(v)) out[k] = v;
    else out[k] = v === null || v === undefined ? "" : String(v);
  }
  return out;
}
