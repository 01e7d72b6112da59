import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  assertValid,
  issuesToFieldErrors,
  validateInput,
} from "../../src/core/model/forms/standard-schema.ts";
import { InvalidConfigError, ValidationError } from "../../src/shared/errors.ts";

const signup = z.object({
  email: z.email(),
  password: z.string().min(12),
  profile: z.object({ age: z.number().int() }).optional(),
});

/** A hand-made asynchronous schema that fails with the issues given. */
function failing(issues: StandardSchemaV1.Issue[]): StandardSchemaV1<unknown, never> {
  return {
    "~standard": { version: 1, vendor: "test", validate: async () => ({ issues }) },
  };
}

describe("validateInput", () => {
  it("returns the parsed value of a valid zod input", async () => {
    const result = await validateInput(signup, {
      email: "a@example.com",
      password: "x".repeat(12),
    });
    expect(result).toEqual({
      ok: true,
      value: { email: "a@example.com", password: "x".repeat(12) },
    });
  });

  it("maps zod issues to field errors", async () => {
    const result = await validateInput(signup, { email: "nope", password: "short" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual(["email", "password"]);
    expect(result.fieldErrors.email).toHaveLength(1);
    expect(result.fieldErrors.password?.[0]).toMatch(/12/);
  });

  it("files nested issues under their first key", async () => {
    const result = await validateInput(signup, {
      email: "a@example.com",
      password: "x".repeat(12),
      profile: { age: 1.5 },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors)).toEqual(["profile"]);
  });

  it("puts issues without a path under the empty field", async () => {
    const result = await validateInput(signup, "not an object");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors)).toEqual([""]);
  });

  it("awaits asynchronous schemas and reads { key } path segments", async () => {
    const schema = failing([
      { message: "Taken.", path: [{ key: "username" }] },
      { message: "Too short.", path: ["password", 0] },
      { message: "Also too short.", path: [{ key: "password" }, { key: 1 }] },
      { message: "Row 3.", path: [3] },
      { message: "Whole form.", path: [] },
      { message: "No path." },
    ]);
    expect(await validateInput(schema, {})).toEqual({
      ok: false,
      fieldErrors: {
        username: ["Taken."],
        password: ["Too short.", "Also too short."],
        "3": ["Row 3."],
        "": ["Whole form.", "No path."],
      },
    });
  });

  it("rejects something that is not a Standard Schema", async () => {
    const notASchema = { parse: () => 1 } as unknown as StandardSchemaV1<unknown, number>;
    await expect(validateInput(notASchema, {})).rejects.toThrow(InvalidConfigError);
  });
});

describe("issuesToFieldErrors", () => {
  it("keeps a field called __proto__ as plain data", () => {
    const errors = issuesToFieldErrors([{ message: "Odd.", path: ["__proto__"] }]);
    expect(Object.hasOwn(errors, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(errors)).toBe(Object.prototype);
  });
});

describe("assertValid", () => {
  it("returns the value when valid", async () => {
    const value = await assertValid(signup, { email: "a@example.com", password: "y".repeat(20) });
    expect(value.email).toBe("a@example.com");
  });

  it("throws a ValidationError carrying the field errors", async () => {
    const error = await assertValid(signup, { email: "a@example.com" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    if (!(error instanceof ValidationError)) return;
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(Object.keys(error.fieldErrors)).toEqual(["password"]);
    expect(error.message).toMatch(/password:/);
  });
});
