/** What {@link oldestFirst} returns. */
export interface OldestFirst<K> {
  /** Removes the oldest key (through `remove`) and returns it; undefined when the map is empty. */
  evict(): K | undefined;
  /**
   * Says the map changed without an eviction (an insert, a move to the end, a delete): call
   * it on every such change. A held iterator keeps each table the map outgrows or rebuilds
   * alive until its next step, so one idle across a map's churn would leak; V8 rebuilds a
   * table only after about a quarter of its capacity in changes, so the iterator is let go
   * after `size / 8` (at least 64) changes in a row without an eviction: at most one old
   * table is kept, for a while.
   */
  changed(): void;
  /** Lets go of the iterator now (before `map.clear()`, say). */
  release(): void;
}

/**
 * Evicts a Map's oldest keys (insertion order) in amortised constant time. `map.keys().next()`
 * looks O(1) but is not in V8: deleted entries stay as holes at the front of the table until
 * it is rebuilt, and a fresh iterator walks over all of them, so evicting the first key on
 * every insert of a full map costs up to the table's capacity each time (a 200,000-key map
 * took 23 s for 400,000 evictions). One iterator kept across evictions walks each hole once.
 *
 * Correct because every key the iterator yields is deleted at once (`remove` must delete it
 * from `map`): nothing alive lies behind it, so its next key is always the oldest.
 *
 * @example
 * ```ts
 * const oldest = oldestFirst(map);
 * map.set(key, value);
 * if (map.size <= max) oldest.changed();
 * while (map.size > max) oldest.evict();
 * ```
 */
export function oldestFirst<K>(
  map: Map<K, unknown>,
  remove: (key: K) => void = (key) => map.delete(key),
): OldestFirst<K> {
  let keys: ReturnType<Map<K, unknown>["keys"]> | null = null;
  let idle = 0;
  return {
    evict() {
      idle = 0;
      keys ??= map.keys();
      let next = keys.next();
      if (next.done) {
        // An iterator that ran off the end stays done: start again.
        keys = map.keys();
        next = keys.next();
      }
      if (next.done) {
        keys = null;
        return undefined;
      }
      remove(next.value);
      return next.value;
    },
    changed() {
      if (keys && ++idle > Math.max(64, map.size >> 3)) keys = null;
    },
    release() {
      keys = null;
    },
  };
}
