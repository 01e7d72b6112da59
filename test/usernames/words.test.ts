import { describe, expect, it } from "vitest";
import { ADJECTIVES, NOUNS } from "../../src/core/model/usernames/words.ts";

describe.each([
  ["ADJECTIVES", ADJECTIVES],
  ["NOUNS", NOUNS],
])("%s", (_name, list) => {
  it("has about 150 words", () => {
    expect(list.length).toBeGreaterThanOrEqual(140);
    expect(list.length).toBeLessThanOrEqual(200);
  });

  it("holds short lower-case words without duplicates", () => {
    for (const word of list) {
      expect(word).toMatch(/^[a-z]{2,11}$/);
    }
    expect(new Set(list).size).toBe(list.length);
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(list)).toBe(true);
  });
});
