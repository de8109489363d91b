// The stock sweep: every inventory level changed since the last sweep, so a dropped inventory_levels/update webhook
// is repaired by the next cron run instead of waiting for the level's next change.
// https://shopify.dev/docs/api/admin-rest/2024-04/resources/location#get-locations
// https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel#get-inventory-levels
import { z } from "zod";
import type { ConnectorContext, StockPollResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { StockLevel } from "../../../../shared/model/order";
import { API_VERSION } from "./http";
import { normalizeStock, parsePayload } from "./normalize";
import { nextPageInfo, OVERLAP_MS, shopifyTime } from "./poll";
import { ShopifyId } from "./schemas";

/** inventory_levels.json takes at most 50 location ids per request. */
const LOCATIONS_PER_REQUEST = 50;
const PAGE = 250;

const Locations = z.object({ locations: z.array(z.object({ id: ShopifyId, active: z.boolean().optional() })) });
const Levels = z.object({ inventory_levels: z.array(z.unknown()) });
const StockCursor = z.object({ updatedAtMin: z.string() });

/**
 * Levels updated since the cursor (all of them on the first sweep) at every active location, page by page; the next
 * sweep starts OVERLAP_MS before the newest updated_at read. Levels apply only when their updated_at moves forward,
 * so reading one twice, or after its webhook, changes nothing.
 */
export async function pollStock(ctx: ConnectorContext, cursor: string | null): Promise<StockPollResult> {
  let since: string | undefined;
  if (cursor !== null) {
    const parsed = StockCursor.safeParse(safeJson(cursor));
    if (!parsed.success || Number.isNaN(Date.parse(parsed.data.updatedAtMin))) {
      throw new ConnectorError({ kind: "permanent", message: `invalid Shopify stock cursor: ${cursor}`, vendorCode: "bad_cursor" });
    }
    since = parsed.data.updatedAtMin;
  }
  const res = await ctx.http.send({ method: "GET", url: `/admin/api/${API_VERSION}/locations.json` });
  const ids = parsePayload(Locations, res.json(), "GET locations").locations.filter((l) => l.active !== false).map((l) => l.id);
  const levels: StockLevel[] = [];
  let newest = since ? Date.parse(since) + OVERLAP_MS : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ids.length; i += LOCATIONS_PER_REQUEST) {
    let query: Record<string, string | number> = { location_ids: ids.slice(i, i + LOCATIONS_PER_REQUEST).join(","), limit: PAGE };
    if (since) query.updated_at_min = since;
    for (;;) {
      const page = await ctx.http.send({ method: "GET", url: `/admin/api/${API_VERSION}/inventory_levels.json`, query });
      for (const raw of parsePayload(Levels, page.json(), "GET inventory_levels").inventory_levels) {
        for (const e of normalizeStock(raw)) {
          if (e.kind !== "stock") continue;
          levels.push(e.stock);
          newest = Math.max(newest, Date.parse(e.stock.updatedAt));
        }
      }
      const next = nextPageInfo(page.headers.get("link"));
      if (!next) break;
      // With page_info only `limit` may be sent (https://shopify.dev/docs/api/admin-rest/usage/pagination).
      query = { limit: PAGE, page_info: next };
    }
  }
  const updatedAtMin = Number.isFinite(newest) ? shopifyTime(newest - OVERLAP_MS) : since;
  return { levels, cursor: updatedAtMin ? JSON.stringify({ updatedAtMin }) : null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
