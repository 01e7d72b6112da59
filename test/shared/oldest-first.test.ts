import { describe, expect, it } from "vitest";
import { oldestFirst } from "../../src/shared/oldest-first.ts";

describe("oldestFirst", () => {
  it("always evicts the oldest key, across inserts, moves, deletes and clears", () => {
    const map = new Map<number, number>();
    const oldest = oldestFirst(map);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const key = random(3000);
      const action = random(10);
      if (action < 5) {
        map.delete(key);
        map.set(key, step);
        oldest.changed();
      } else if (action < 8) {
        const first = map.keys().next().value;
        expect(oldest.evict()).toBe(first);
        expect(map.has(first as number)).toBe(false);
      } else if (action < 9) {
        map.delete(key);
        oldest.changed();
      } else if (step % 500 === 0) {
        oldest.release();
        map.clear();
      }
    }
    map.clear();
    expect(oldest.evict()).toBeUndefined();
    map.set(1, 1);
    expect(oldest.evict()).toBe(1);
  });

  it("removes through the given function", () => {
    const map = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    const removed: string[] = [];
    const oldest = oldestFirst(map, (key) => {
      removed.push(key);
      map.delete(key);
    });
    oldest.evict();
    expect(removed).toEqual(["a"]);
    expect([...map.keys()]).toEqual(["b"]);
  });
});
