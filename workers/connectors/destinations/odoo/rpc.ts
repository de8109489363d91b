// One call shape over both Odoo APIs: JSON-2 (`POST /json/2/<model>/<method>`, 19+) and XML-RPC `execute_kw` (≤ 18).
import type { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { usesJson2, type OdooConfig } from "./config";
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from "./xmlrpc";

export type Params = Record<string, XmlRpcValue>;

/** XML-RPC uid per context: `authenticate` once per sync, not once per call. */
const uids = new WeakMap<ConnectorContext, Promise<number>>();

function apiKey(ctx: ConnectorContext): string {
  const key = ctx.connection.credentials.apiKey;
  if (!key) throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "Odoo connection lacks its apiKey" });
  return key;
}

async function xmlrpc(ctx: ConnectorContext, service: "common" | "object", method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
  const res = await ctx.http.send({ method: "POST", url: `/xmlrpc/2/${service}`, headers: { "content-type": "text/xml" }, body: encodeMethodCall(method, params) });
  const decoded = decodeMethodResponse(res.text);
  // classify() already turned faults into errors; a fault here means the classifier and decoder disagree.
  if (!decoded.ok) throw new ConnectorError({ kind: "permanent", vendorCode: `fault ${decoded.fault.faultCode}`, message: decoded.fault.faultString });
  return decoded.value;
}

// https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#logging-in (common.authenticate → uid, False on failure)
function uidFor(ctx: ConnectorContext, cfg: OdooConfig): Promise<number> {
  let hit = uids.get(ctx);
  if (!hit) {
    hit = (async () => {
      const uid = await xmlrpc(ctx, "common", "authenticate", [cfg.database, cfg.login, apiKey(ctx), {}]);
      if (typeof uid !== "number" || uid <= 0) {
        throw new ConnectorError({ kind: "auth", vendorCode: "AccessDenied", message: `Odoo refused login ${cfg.login} with this API key on database ${cfg.database}` });
      }
      return uid;
    })();
    hit.catch(() => uids.delete(ctx));
    uids.set(ctx, hit);
  }
  return hit;
}

/**
 * Calls `model.method` with named parameters (and `ids` for record methods). JSON-2 takes them as the JSON body;
 * XML-RPC passes `[ids]` as args and the rest as kwargs of `execute_kw`.
 */
export async function call(ctx: ConnectorContext, cfg: OdooConfig, model: string, method: string, p: { ids?: number[]; params?: Params } = {}): Promise<unknown> {
  const params = p.params ?? {};
  if (usesJson2(cfg)) {
    // https://www.odoo.com/documentation/19.0/developer/reference/external_api.html (JSON-2: named arguments, ids for record methods)
    const res = await ctx.http.send({
      method: "POST",
      url: `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`,
      headers: { "content-type": "application/json; charset=utf-8", "x-odoo-database": cfg.database },
      body: JSON.stringify(p.ids ? { ids: p.ids, ...params } : params),
    });
    return res.text.trim() === "" ? null : res.json();
  }
  // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#calling-methods (execute_kw)
  const uid = await uidFor(ctx, cfg);
  // `create` must get its values positionally: odoo/api.py _call_kw_model_create reads args[0] to choose id vs ids.
  const { vals_list: valsList, ...kwargs } = params;
  const args: XmlRpcValue[] = p.ids ? [p.ids] : method === "create" && valsList !== undefined ? [valsList] : [];
  return xmlrpc(ctx, "object", "execute_kw", [cfg.database, uid, apiKey(ctx), model, method, args, method === "create" ? kwargs : params]);
}

/** A call whose answer must match `schema` (a vendor response at the boundary). */
export async function callAs<T extends z.ZodType>(ctx: ConnectorContext, cfg: OdooConfig, schema: T, model: string, method: string, p: { ids?: number[]; params?: Params } = {}): Promise<z.infer<T>> {
  const value = await call(ctx, cfg, model, method, p);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Odoo ${model}.${method} answered an unexpected shape: ${parsed.error.issues[0]?.message ?? ""}`, body: JSON.stringify(value)?.slice(0, 2000) });
  }
  return parsed.data;
}
