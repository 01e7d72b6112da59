import { oldestFirst } from "../../shared/oldest-first.ts";
import type { SessionLookup } from "../../store/session-store.ts";

/** What a revocation names: sessions, every session of some users, or everything. */
export interface Revocation {
  /** Session ids (the public part of the token). */
  readonly sessions?: readonly string[];
  /** User ids: every cached session of these users goes. */
  readonly users?: readonly (string | number)[];
  /** Every cached session goes. */
  readonly everything?: boolean;
}

/** A cached lookup: the one-query answer, its current expiry, and when it was read. */
export interface CachedSession {
  readonly lookup: SessionLookup;
  /** The session's expiry as far as this process knows (moved on by its own refreshes). */
  expiresAt: number;
  /** When it was read from the database (the `clock` option's time). */
  readonly cachedAt: number;
}

/**
 * The in-memory half of the session cache: an LRU map from session id to its lookup, an
 * index by user, a generation counter and "holds".
 *
 * - Every revocation and every `clear()` bumps `generation`. A lookup reads it before its
 *   query and may cache its answer only if it is unchanged: an answer read before a
 *   revocation arrived never re-enters the cache afterwards.
 * - A hold keeps sessions (or users, or everything) out of the cache until a time: for
 *   revocations published before their transaction commits (Redis), when a reader could
 *   still see the old rows.
 */
export class SessionCache {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, CachedSession>();
  readonly #byUser = new Map<string, Set<string>>();
  /** Least recently used first: `get()` moves an entry to the end. */
  readonly #oldest = oldestFirst(this.#entries, (id) => this.evict(id));
  readonly #holds = new Map<string, number>();
  /** Holds added since ended ones were last swept. */
  #holdsAdded = 0;
  #holdEverythingUntil = 0;
  #generation = 0;

  constructor(options: { readonly ttlMs: number; readonly max: number }) {
    this.#ttlMs = options.ttlMs;
    this.#max = options.max;
  }

  /** Bumped by every revocation and clear. */
  get generation(): number {
    return this.#generation;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of a session if it was read less than `ttlMs` ago (stale ones are dropped). */
  get(id: string, now: number): CachedSession | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (now - entry.cachedAt >= this.#ttlMs || now < entry.cachedAt) {
      this.evict(id);
      return undefined;
    }
    // Most recently used last.
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    this.#oldest.changed();
    return entry;
  }

  /**
   * Caches a lookup, unless a revocation or clear happened since `generation` was read or a
   * hold covers it. Returns whether it was cached.
   */
  set(
    id: string,
    lookup: SessionLookup,
    expiresAt: number,
    now: number,
    generation: number,
  ): boolean {
    if (generation !== this.#generation || this.#held(id, lookup.user.id, now)) return false;
    this.evict(id);
    this.#entries.set(id, { lookup, expiresAt, cachedAt: now });
    const key = String(lookup.user.id);
    const ids = this.#byUser.get(key) ?? new Set<string>();
    this.#byUser.set(key, ids);
    ids.add(id);
    if (this.#entries.size <= this.#max) this.#oldest.changed();
    while (this.#entries.size > this.#max) this.#oldest.evict();
    return true;
  }

  /** Drops one session (no generation bump: for this process's own findings). */
  evict(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    const key = String(entry.lookup.user.id);
    const ids = this.#byUser.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.#byUser.delete(key);
  }

  /** Applies a revocation; with `hold`, keeps what it names out of the cache until `hold.until`. */
  revoke(revocation: Revocation, hold?: { readonly now: number; readonly until: number }): void {
    if (revocation.everything) {
      this.clear();
      if (hold) this.#holdEverythingUntil = Math.max(this.#holdEverythingUntil, hold.until);
      return;
    }
    this.#generation += 1;
    this.#oldest.changed();
    for (const id of revocation.sessions ?? []) {
      this.evict(id);
      if (hold) this.#hold(`s:${id}`, hold);
    }
    for (const user of revocation.users ?? []) {
      const key = String(user);
      for (const id of this.#byUser.get(key) ?? []) this.evict(id);
      if (hold) this.#hold(`u:${key}`, hold);
    }
  }

  /** Drops everything (the channel went down or came back: messages may have been lost). */
  clear(): void {
    this.#generation += 1;
    this.#oldest.release();
    this.#entries.clear();
    this.#byUser.clear();
  }

  #hold(key: string, { now, until }: { readonly now: number; readonly until: number }): void {
    this.#holds.set(key, Math.max(until, this.#holds.get(key) ?? 0));
    this.#holdsAdded += 1;
    // Past `max`, forget holds that ended; if too many are still running, hold everything
    // instead. A sweep walks every hold, so it waits for max / 2 new ones since the last
    // (amortised constant time per hold; at most 1.5 x max holds in between).
    if (this.#holds.size > this.#max && this.#holdsAdded * 2 >= this.#max) {
      this.#holdsAdded = 0;
      for (const [held, end] of this.#holds) if (end <= now) this.#holds.delete(held);
      if (this.#holds.size > this.#max) {
        this.#holds.clear();
        this.#holdEverythingUntil = Math.max(this.#holdEverythingUntil, until);
      }
    }
  }

  #held(id: string, user: string | number, now: number): boolean {
    if (now < this.#holdEverythingUntil) return true;
    const session = this.#holds.get(`s:${id}`);
    const byUser = this.#holds.get(`u:${user}`);
    return (session !== undefined && now < session) || (byUser !== undefined && now < byUser);
  }
}
