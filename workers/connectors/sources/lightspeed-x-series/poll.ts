// Sweeping X-Series sales with the 2.0 version cursor (after=<max version seen>), page by page.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { API_BASE } from "./http";
import { normalizeSale, parsePayload } from "./normalize";
import { SalesPage } from "./schemas";

/** page_size is capped at 1000 by API 2.0 collections (https://x-series-api.lightspeedhq.com/reference/pagination). */
export const MAX_PAGE = 1000;

/**
 * The version of the newest sale seen; versions are per-retailer and only grow, so resuming strictly after it can skip
 * nothing (a sale changed mid-sweep gets a higher version and is read again later). No overlap window is needed, and
 * content dedup makes any re-read harmless.
 */
export const PollCursor = z.object({ after: z.number().int().nonnegative() });

function readCursor(cursor: string | null): z.infer<typeof PollCursor> {
  if (cursor === null) return { after: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: `invalid X-Series poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  return r.data;
}

/**
 * One page of sales with a version above the cursor, oldest version first
 * (https://x-series-api.lightspeedhq.com/reference/listsales, pagination: https://x-series-api.lightspeedhq.com/reference/pagination):
 * the next page starts after `version.max`; an empty page ends the sweep. Returns become refunds of their sale.
 * A first sweep (no cursor) starts at version 0: X-Series has no modified-since filter on this endpoint.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, currency: string, pageSize = 200): Promise<PollResult> {
  const { after } = readCursor(cursor);
  const res = await ctx.http.send({
    method: "GET",
    url: `${API_BASE}/sales`,
    query: { after, page_size: Math.min(MAX_PAGE, Math.max(1, pageSize)) },
  });
  const page = parsePayload(SalesPage, res.json(), "GET /sales response");
  const events: CanonicalEvent[] = [];
  for (const raw of page.data) {
    try {
      events.push(normalizeSale(raw, "order.updated", ctx.connection.id, currency));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("lightspeed-x-series poll: sale skipped", { reason: err.message, id: (raw as { id?: unknown } | null)?.id });
    }
  }
  const max = page.version?.max ?? null;
  if (page.data.length === 0 || max === null || max <= after) return { events, cursor: JSON.stringify({ after }), hasMore: false };
  return { events, cursor: JSON.stringify({ after: max }), hasMore: true };
}
