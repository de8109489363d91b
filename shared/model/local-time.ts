// Naive local wall-clock timestamps (no offset, as Revel and PrestaShop send them) ↔ instants, in an IANA time zone.
import { NormalizeError } from "../connector/errors";

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return local - Math.floor(instant / 1000) * 1000;
}

/** A local timestamp → epoch ms. Naive values are read in `timeZone`; an explicit offset wins. `what` names the value in errors. */
export function fromLocalTime(value: string, timeZone: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(value.trim());
  if (!m) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new NormalizeError(`"${value}" is not a ${what}`);
    return ms;
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + frac;
  // Two passes settle the offset across a DST change.
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return guess;
}

/** Epoch ms → naive local time to the second ("YYYY-MM-DDTHH:MM:SS", or with a space as `separator`). */
export function toLocalTime(ms: number, timeZone: string, separator: "T" | " " = "T"): string {
  const local = Math.floor(ms / 1000) * 1000 + offsetMs(ms, timeZone);
  return new Date(local).toISOString().slice(0, 19).replace("T", separator);
}
