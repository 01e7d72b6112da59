import { describe, expect, it } from "vitest";
import { friendlyNameGenerator } from "../../src/core/model/usernames/friendly.ts";
import {
  attemptOf,
  cutToMaxLength,
  type NameGenerator,
} from "../../src/core/model/usernames/name-generator.ts";
import {
  digitsForAttempt,
  numberedNameGenerator,
} from "../../src/core/model/usernames/numbered.ts";
import { resolveNameGenerator } from "../../src/core/model/usernames/resolve.ts";
import { uuidNameGenerator } from "../../src/core/model/usernames/uuid.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";

function many(generate: NameGenerator, count: number, maxLength = 150): string[] {
  return Array.from({ length: count }, () => generate({ maxLength }));
}

describe("uuidNameGenerator", () => {
  it("makes 32 lower-case hex characters, different each time", () => {
    const names = many(uuidNameGenerator, 200);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(names).size).toBe(200);
  });

  it("keeps the uuid v4 version nibble in place", () => {
    expect(uuidNameGenerator({ maxLength: 150 }).charAt(12)).toBe("4");
  });

  it("cuts to maxLength", () => {
    expect(uuidNameGenerator({ maxLength: 10 })).toMatch(/^[0-9a-f]{10}$/);
    expect(uuidNameGenerator({ maxLength: 0 })).toBe("");
  });
});

describe("numberedNameGenerator", () => {
  it("defaults to Guest plus four zero-padded digits", () => {
    for (const name of many(numberedNameGenerator(), 500)) expect(name).toMatch(/^Guest\d{4}$/);
  });

  it("uses the prefix and digit count given", () => {
    const generate = numberedNameGenerator({ prefix: "Visitor-", digits: 7 });
    for (const name of many(generate, 100)) expect(name).toMatch(/^Visitor-\d{7}$/);
  });

  it("zero-pads small numbers and covers the whole range", () => {
    const names = many(numberedNameGenerator({ prefix: "G", digits: 2 }), 3000);
    expect(new Set(names).size).toBe(100);
    expect(names).toContain("G00");
    expect(names).toContain("G07");
    expect(names).toContain("G99");
  });

  it("spreads the numbers evenly", () => {
    const counts = new Map<string, number>();
    for (const name of many(numberedNameGenerator(), 10_000)) {
      const leading = name.charAt(5);
      counts.set(leading, (counts.get(leading) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
    const distinct = new Set(many(numberedNameGenerator(), 2000)).size;
    expect(distinct).toBeGreaterThan(1700);
  });

  it("cuts to maxLength", () => {
    expect(numberedNameGenerator()({ maxLength: 7 })).toMatch(/^Guest\d{2}$/);
    expect(numberedNameGenerator()({ maxLength: 3 })).toBe("Gue");
  });

  it("widens by one digit per attempt after the second, up to 14 digits", () => {
    const generate = numberedNameGenerator({ prefix: "G", digits: 1 });
    const at = (attempt: number) => generate({ maxLength: 150, attempt });
    expect(at(1)).toMatch(/^G\d$/);
    expect(at(2)).toMatch(/^G\d$/);
    expect(at(3)).toMatch(/^G\d{2}$/);
    expect(at(4)).toMatch(/^G\d{3}$/);
    expect(at(10)).toMatch(/^G\d{9}$/);
    expect(at(40)).toMatch(/^G\d{14}$/);
    expect(numberedNameGenerator()({ maxLength: 150, attempt: 3 })).toMatch(/^Guest\d{5}$/);
    expect([1, 2, 3, 4, 9, 99].map((a) => digitsForAttempt(4, a))).toEqual([4, 4, 5, 6, 11, 14]);
  });

  it("treats a missing or odd attempt as the first", () => {
    const generate = numberedNameGenerator({ prefix: "G", digits: 2 });
    for (const attempt of [undefined, 0, -3, 2.5, Number.NaN]) {
      expect(generate({ maxLength: 150, attempt })).toMatch(/^G\d{2}$/);
    }
    expect(attemptOf({ maxLength: 1 })).toBe(1);
    expect(attemptOf({ maxLength: 1, attempt: 7 })).toBe(7);
  });

  it("keeps a widened number whole by shortening the prefix to fit maxLength", () => {
    const generate = numberedNameGenerator({ prefix: "Guest", digits: 4 });
    expect(generate({ maxLength: 9, attempt: 1 })).toMatch(/^Guest\d{4}$/);
    expect(generate({ maxLength: 9, attempt: 3 })).toMatch(/^Gues\d{5}$/);
    expect(generate({ maxLength: 9, attempt: 5 })).toMatch(/^Gu\d{7}$/);
    expect(generate({ maxLength: 8, attempt: 8 })).toMatch(/^\d{8}$/);
  });

  it("finds free names quickly in a crowded space", () => {
    // Every one-digit name taken: a caller retrying with attempt + 1 gets out at once.
    const taken = new Set(Array.from({ length: 10 }, (_, n) => `G${n}`));
    const generate = numberedNameGenerator({ prefix: "G", digits: 1 });
    for (let guest = 0; guest < 500; guest++) {
      let attempt = 1;
      let name = generate({ maxLength: 150, attempt });
      while (taken.has(name)) name = generate({ maxLength: 150, attempt: ++attempt });
      expect(attempt).toBeLessThanOrEqual(10);
      taken.add(name);
    }
  });

  it("rejects bad digit counts and prefixes", () => {
    for (const digits of [0, -1, 1.5, 15, Number.NaN]) {
      expect(() => numberedNameGenerator({ digits })).toThrow(InvalidConfigError);
    }
    expect(() => numberedNameGenerator({ prefix: 5 as unknown as string })).toThrow(/prefix/);
    expect(() => numberedNameGenerator({ digits: 15 })).toThrow(
      "Invalid option `digits`: expected a whole number from 1 to 14, got 15",
    );
    expect(() => numberedNameGenerator({ digits: 14 })).not.toThrow();
  });
});

describe("friendlyNameGenerator", () => {
  it("makes Adjective + Noun + 1..9999", () => {
    const names = many(friendlyNameGenerator(), 1000);
    for (const name of names) {
      expect(name).toMatch(/^[A-Z][a-z]+[A-Z][a-z]+\d{1,4}$/);
      const number = Number(/\d+$/.exec(name)?.[0]);
      expect(number).toBeGreaterThanOrEqual(1);
      expect(number).toBeLessThanOrEqual(9999);
      expect(name).not.toMatch(/[A-Za-z]0/);
    }
    expect(new Set(names).size).toBeGreaterThan(990);
  });

  it("cuts to maxLength", () => {
    for (const name of many(friendlyNameGenerator(), 100, 6)) {
      expect(name).toHaveLength(6);
      expect(name).toMatch(/^[A-Z][a-z]/);
    }
  });
});

describe("cutToMaxLength", () => {
  it("cuts, and leaves names whole for an infinite length", () => {
    expect(cutToMaxLength("Guest0588", 5)).toBe("Guest");
    expect(cutToMaxLength("Guest0588", 50)).toBe("Guest0588");
    expect(cutToMaxLength("Guest0588", Number.POSITIVE_INFINITY)).toBe("Guest0588");
    expect(cutToMaxLength("Guest0588", -3)).toBe("");
  });
});

describe("resolveNameGenerator", () => {
  it("maps names to the built-in generators", () => {
    expect(resolveNameGenerator("uuid")).toBe(uuidNameGenerator);
    expect(resolveNameGenerator("numbered")({ maxLength: 150 })).toMatch(/^Guest\d{4}$/);
    expect(resolveNameGenerator("friendly")({ maxLength: 150 })).toMatch(/^[A-Z][a-z]+[A-Z]/);
  });

  it("passes prefix and digits to the numbered generator", () => {
    const generate = resolveNameGenerator("numbered", { prefix: "Anon", digits: 6 });
    expect(generate({ maxLength: 150 })).toMatch(/^Anon\d{6}$/);
  });

  it("gives the uuid and friendly generators an attempt they may ignore", () => {
    expect(uuidNameGenerator({ maxLength: 150, attempt: 5 })).toMatch(/^[0-9a-f]{32}$/);
    const friendly = friendlyNameGenerator()({ maxLength: 150, attempt: 5 });
    expect(friendly).toMatch(/^[A-Z][a-z]+[A-Z][a-z]+\d{1,4}$/);
  });

  it("returns a function as it is", () => {
    const own: NameGenerator = () => "custom";
    expect(resolveNameGenerator(own)).toBe(own);
  });

  it("rejects unknown names with the option named", () => {
    const bad = "random" as unknown as "uuid";
    expect(() => resolveNameGenerator(bad)).toThrow(InvalidConfigError);
    expect(() => resolveNameGenerator(bad)).toThrow(/nameGenerator.*"random"/);
  });
});
