/** The one option-schema convention every option bag uses: strict keys, named values, defaults. */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { accepted, optionBag, parseOptions } from "../../src/shared/option-schema.ts";

const seconds = accepted<number>(
  (value) => typeof value === "number" && value > 0,
  "a positive number of seconds",
);
const SCHEMA = optionBag({
  enabled: v.optional(
    accepted<boolean>((value) => typeof value === "boolean", "true or false"),
    true,
  ),
  session: v.optional(
    optionBag({ maxAge: v.optional(seconds, 60), refreshInterval: v.optional(seconds) }),
  ),
  empty: v.optional(optionBag({})),
});

function refusal(value: unknown): InvalidConfigError {
  try {
    parseOptions(SCHEMA, value, "example()");
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error("no error");
}

describe("parseOptions()", () => {
  it("fills in the defaults and keeps what was given", () => {
    expect(parseOptions(SCHEMA, {}, "example()")).toEqual({ enabled: true });
    expect(parseOptions(SCHEMA, { session: {} }, "example()")).toEqual({
      enabled: true,
      session: { maxAge: 60 },
    });
    expect(
      parseOptions(SCHEMA, { enabled: false, session: { refreshInterval: 5 } }, "example()"),
    ).toEqual({
      enabled: false,
      session: { maxAge: 60, refreshInterval: 5 },
    });
  });

  it("names an unknown key by its full path and the closest known one, before any bad value", () => {
    const error = refusal({ enabled: "yes", session: { maxAgee: 1 } });
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.option).toBe("session.maxAgee");
    expect(error.message).toBe(
      "Unknown option `session.maxAgee`: did you mean `session.maxAge`? (example() has no such option)",
    );
    expect(refusal({ colour: 1 }).message).toBe(
      "Unknown option `colour`: it takes `enabled`, `session`, `empty` (example() has no such option)",
    );
    expect(refusal({ empty: { x: 1 } }).message).toBe(
      "Unknown option `empty.x`: `empty` takes no options (example() has no such option)",
    );
  });

  it("names a missing required key as its schema says of `undefined`", () => {
    const required = optionBag({ every: seconds, label: v.optional(v.string()) });
    expect(() => parseOptions(required, {}, "example()")).toThrow(
      "Invalid option `every`: expected a positive number of seconds, got undefined",
    );
  });

  it("names a bad value by its path and what it expects, hiding URL passwords", () => {
    expect(refusal({ session: { maxAge: -1 } }).message).toBe(
      "Invalid option `session.maxAge`: expected a positive number of seconds, got -1",
    );
    expect(refusal({ session: "postgres://app:hunter2@db/app" }).message).toBe(
      'Invalid option `session`: expected an object, got "postgres://app:***@db/app"',
    );
    expect(refusal(42).message).toBe("Invalid option `options`: expected an object, got 42");
  });
});
