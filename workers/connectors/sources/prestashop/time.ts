// PrestaShop dates: shop-local wall-clock time without an offset ("2024-01-01 00:00:00").
// https://devdocs.prestashop-project.org/8/webservice/tutorials/advanced-use/additional-list-parameters/ (date filters)
import { fromLocalTime, toLocalTime } from "../../../../shared/model/local-time";

/** A PrestaShop date → epoch ms. Naive values are read in the shop time zone; an explicit offset wins. */
export const fromShopTime = (value: string, timeZone: string): number => fromLocalTime(value, timeZone, "PrestaShop date");

/** Epoch ms → the shop's local time "YYYY-MM-DD HH:MM:SS", for filter[date_upd]=[from,to]. */
export const toShopTime = (ms: number, timeZone: string): string => toLocalTime(ms, timeZone, " ");
