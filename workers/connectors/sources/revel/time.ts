// Revel's timestamps: local wall-clock time of the establishment without an offset ("2024-06-15T14:32:00").
// https://developer.revelsystems.com/revelsystems/docs/frequently-asked-questions (filter examples: created_date__gte=2014-12-01T19:58:25)
import { fromLocalTime, toLocalTime } from "../../../../shared/model/local-time";

/** A Revel timestamp → epoch ms. Naive values are read in the establishment's time zone; an explicit offset wins. */
export const fromRevelTime = (value: string, timeZone: string): number => fromLocalTime(value, timeZone, "Revel timestamp");

/** Epoch ms → the establishment's naive local time, to the second, for filters (updated_date__gte=…). */
export const toRevelTime = (ms: number, timeZone: string): string => toLocalTime(ms, timeZone, "T");
