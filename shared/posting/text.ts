// Text limits of destination fields, cut on user-perceived character boundaries (Devanagari, Arabic, Amharic, emoji).

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/**
 * Trims `text` to at most `max` UTF-16 code units (how most vendor APIs count) without splitting a grapheme
 * cluster: a Devanagari conjunct or an emoji with modifiers is kept whole or dropped whole.
 */
export function truncateText(text: string, max: number, unit: "utf16" | "codepoint" | "utf8" = "utf16"): string {
  if (measure(text, unit) <= max) return text;
  let out = "";
  const parts = segmenter ? [...segmenter.segment(text)].map((s) => s.segment) : [...text];
  for (const p of parts) {
    if (measure(out + p, unit) > max) break;
    out += p;
  }
  return out.trimEnd();
}

export function measure(text: string, unit: "utf16" | "codepoint" | "utf8"): number {
  if (unit === "utf16") return text.length;
  if (unit === "codepoint") return [...text].length;
  return new TextEncoder().encode(text).length;
}
