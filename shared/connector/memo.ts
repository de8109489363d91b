// LookupMemo: a destination connection's remembered master-data references (item by SKU, customer by e-mail), so a
// steady stream of orders does not query the vendor for the same references again and again.
// A hint only: a connector must still handle a reference the vendor no longer knows (clear and resolve again).

export interface LookupMemoOptions {
  /** How long an entry is trusted (ms); a reference changed in the vendor's UI is picked up after this at the latest. */
  ttlMs?: number;
  /** Most entries kept; the oldest are dropped first. */
  maxEntries?: number;
  now?: () => number;
}

export class LookupMemo {
  private readonly entries = new Map<string, { value: unknown; until: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Lookups answered from memory (shown in admin next to the budget). */
  hits = 0;
  misses = 0;

  constructor(opts: LookupMemoOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 15 * 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  get<T>(key: string): T | undefined {
    const e = this.entries.get(key);
    if (e && e.until > this.now()) {
      this.hits++;
      return e.value as T;
    }
    if (e) this.entries.delete(key);
    this.misses++;
    return undefined;
  }

  set(key: string, value: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets every entry (a reference was refused, or the connection's settings changed). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
