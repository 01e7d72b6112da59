/** The shared value schemas: what each accepts, and what its message says of the rest. */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { optionBag, parseOptions } from "../../src/shared/option-schema.ts";
import {
  describeKind,
  describeSecret,
  given,
  integerFrom,
  oneOf,
  orNull,
  url,
  withMethods,
} from "../../src/shared/option-values.ts";

const BAG = optionBag({
  url: v.optional(url),
  mode: v.optional(oneOf("a", "b", "c")),
  digits: v.optional(integerFrom(1, 12)),
  store: v.optional(withMethods<object>(["hit"], "a store with hit()")),
  secret: orNull(given<string>()),
});
const message = (value: unknown) => {
  try {
    parseOptions(BAG, value, "example()");
  } catch (error) {
    return (error as Error).message;
  }
  return "accepted";
};

describe("option values", () => {
  it("url: a same-site path or an http(s) URL, never a protocol-relative one", () => {
    for (const ok of ["/", "/a/b?c", "https://example.com/x", "HTTP://a"])
      expect(message({ url: ok }), ok).toBe("accepted");
    for (const bad of ["//evil.com", "/\\evil.com", "javascript:alert(1)", "convert", 5])
      expect(message({ url: bad }), String(bad)).toBe(
        `Invalid option \`url\`: expected a path starting with "/" or an http(s) URL, got ${JSON.stringify(bad)}`,
      );
  });

  it("oneOf, integerFrom: the message lists what is accepted", () => {
    expect(message({ mode: "d" })).toBe('Invalid option `mode`: expected "a", "b" or "c", got "d"');
    expect(message({ digits: 1.5 })).toBe(
      "Invalid option `digits`: expected an integer from 1 to 12, got 1.5",
    );
  });

  it("a user object or a secret is shown by its kind only", () => {
    expect(message({ store: { password: "hunter2" } })).toBe(
      "Invalid option `store`: expected a store with hit(), got an object",
    );
    expect(describeKind(undefined)).toBe("undefined");
    expect(describeKind([1])).toBe("an array");
    expect(describeSecret("hunter2")).toBe("a string of 7 characters");
  });

  it("orNull: absent or null is null", () => {
    expect(parseOptions(BAG, {}, "example()").secret).toBeNull();
    expect(parseOptions(BAG, { secret: null }, "example()").secret).toBeNull();
    expect(parseOptions(BAG, { secret: "s" }, "example()").secret).toBe("s");
  });
});
