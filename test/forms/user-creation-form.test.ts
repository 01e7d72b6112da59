import { describe, expect, it } from "vitest";
import { minimumLengthValidator } from "../../src/core/model/forms/password-validators.ts";
import { validateInput } from "../../src/core/model/forms/standard-schema.ts";
import {
  MAX_FIELD_LENGTH,
  type UserCreationData,
  userCreationForm,
} from "../../src/core/model/forms/user-creation-form.ts";
import type { ConvertForm } from "../../src/core/model/types.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";

const STRONG = "v7#Lq9!zTf2m";
const REQUIRED = "This field is required.";
const MISMATCH = "The two password fields didn’t match.";
const INVALID_USERNAME =
  "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";

const form = userCreationForm();

async function errorsOf(input: unknown, convertForm: ConvertForm<UserCreationData> = form) {
  const result = await validateInput(convertForm.schema, input);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.fieldErrors;
}

describe("userCreationForm: valid input", () => {
  it("accepts a plain object and yields trimmed username, untrimmed passwords", async () => {
    const password = ` ${STRONG} `;
    const result = await validateInput(form.schema, {
      username: "  john.smith  ",
      password1: password,
      password2: password,
    });
    expect(result).toEqual({
      ok: true,
      value: { username: "john.smith", password1: password, password2: password },
    });
  });

  it("accepts URLSearchParams and FormData", async () => {
    const fields = { username: "ann_o+x@y-z", password1: STRONG, password2: STRONG };
    const params = new URLSearchParams(fields);
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    for (const input of [params, data]) {
      const result = await validateInput(form.schema, input);
      expect(result).toEqual({ ok: true, value: fields });
    }
  });

  it("accepts letters of any script and normalizes look-alike forms", async () => {
    const result = await validateInput(form.schema, {
      username: "Ｊｏｓé",
      password1: STRONG,
      password2: STRONG,
    });
    expect(result).toEqual({
      ok: true,
      value: { username: "José", password1: STRONG, password2: STRONG },
    });
  });

  it("gives credentials for logging in", () => {
    const value = { username: "ann", password1: STRONG, password2: STRONG };
    expect(form.getCredentials(value)).toEqual({ username: "ann", password: STRONG });
  });

  it("is a Standard Schema v1 object of vendor guest-user", () => {
    expect(form.schema["~standard"].version).toBe(1);
    expect(form.schema["~standard"].vendor).toBe("guest-user");
  });
});

describe("userCreationForm: errors", () => {
  it("requires every field", async () => {
    expect(await errorsOf({})).toEqual({
      username: [REQUIRED],
      password1: [REQUIRED],
      password2: [REQUIRED],
    });
    expect(await errorsOf(new URLSearchParams())).toEqual({
      username: [REQUIRED],
      password1: [REQUIRED],
      password2: [REQUIRED],
    });
    expect(await errorsOf({ username: "   ", password1: STRONG, password2: STRONG })).toEqual({
      username: [REQUIRED],
    });
  });

  it("reports a mismatch on password2 only, without running the validators", async () => {
    expect(await errorsOf({ username: "ann", password1: STRONG, password2: "123" })).toEqual({
      password2: [MISMATCH],
    });
  });

  it("puts password validator messages on password2", async () => {
    expect(
      await errorsOf({ username: "ann", password1: "password", password2: "password" }),
    ).toEqual({ password2: ["This password is too common."] });
    expect(
      await errorsOf({
        username: "john.smith",
        password1: "john.smith1",
        password2: "john.smith1",
      }),
    ).toEqual({ password2: ["The password is too similar to the username."] });
    expect(await errorsOf({ username: "ann", password1: "1234", password2: "1234" })).toEqual({
      password2: [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
      ],
    });
  });

  it("rejects usernames with other characters, or too long", async () => {
    for (const username of ["john smith", "ann!", "<script>", "a/b", "tab\tname"]) {
      expect(await errorsOf({ username, password1: STRONG, password2: STRONG })).toEqual({
        username: [INVALID_USERNAME],
      });
    }
    expect(
      await errorsOf({ username: "a".repeat(151), password1: STRONG, password2: STRONG }),
    ).toEqual({ username: ["Ensure this value has at most 150 characters (it has 151)."] });
    const ok = await validateInput(form.schema, {
      username: "a".repeat(150),
      password1: STRONG,
      password2: STRONG,
    });
    expect(ok.ok).toBe(true);
  });

  it("rejects fields that are not text", async () => {
    const errors = await errorsOf({ username: ["ann", "bob"], password1: 12345678, password2: {} });
    expect(errors).toEqual({
      username: ["This field must be text, not a list."],
      password1: ["This field must be text, not a number."],
      password2: ["This field must be text, not an object."],
    });
    const data = new FormData();
    data.append("username", new Blob(["ann"]), "ann.txt");
    data.append("password1", STRONG);
    data.append("password2", STRONG);
    expect(await errorsOf(data)).toEqual({ username: ["This field must be text, not a file."] });
  });

  it("rejects huge strings without trying to validate them", async () => {
    const huge = "x".repeat(MAX_FIELD_LENGTH + 1);
    const message = `Ensure this value has at most ${MAX_FIELD_LENGTH} characters (it has ${MAX_FIELD_LENGTH + 1}).`;
    expect(await errorsOf({ username: huge, password1: huge, password2: huge })).toEqual({
      username: [message],
      password1: [message],
      password2: [message],
    });
  });

  it("rejects input that is not a set of fields", async () => {
    for (const input of [null, undefined, 42, "username=ann", ["ann"], true]) {
      const errors = await errorsOf(input);
      expect(Object.keys(errors)).toEqual([""]);
      expect(errors[""]?.[0]).toMatch(/^Expected form fields .*, not (null|undefined|an? \w+)\.$/);
    }
  });

  it("ignores inherited properties", async () => {
    const input = Object.create({ username: "ann", password1: STRONG, password2: STRONG });
    expect(Object.keys(await errorsOf(input))).toEqual(["username", "password1", "password2"]);
  });
});

describe("userCreationForm: options", () => {
  it("uses minPasswordLength in the default validators", async () => {
    const strict = userCreationForm({ minPasswordLength: 16 });
    expect(
      await errorsOf({ username: "ann", password1: STRONG, password2: STRONG }, strict),
    ).toEqual({
      password2: ["This password is too short. It must contain at least 16 characters."],
    });
  });

  it("uses usernameMaxLength", async () => {
    const short = userCreationForm({ usernameMaxLength: 5 });
    expect(
      await errorsOf({ username: "annabel", password1: STRONG, password2: STRONG }, short),
    ).toEqual({ username: ["Ensure this value has at most 5 characters (it has 7)."] });
  });

  it("replaces the validators when given", async () => {
    const lenient = userCreationForm({ passwordValidators: [] });
    const result = await validateInput(lenient.schema, {
      username: "ann",
      password1: "1",
      password2: "1",
    });
    expect(result.ok).toBe(true);
    const own = userCreationForm({
      passwordValidators: [minimumLengthValidator({ minLength: 3 })],
    });
    expect(await errorsOf({ username: "ann", password1: "12", password2: "12" }, own)).toEqual({
      password2: ["This password is too short. It must contain at least 3 characters."],
    });
  });

  it("rejects bad options", () => {
    expect(() => userCreationForm({ minPasswordLength: 0 })).toThrow(InvalidConfigError);
    expect(() => userCreationForm({ usernameMaxLength: 1.5 })).toThrow(/usernameMaxLength/);
    expect(() =>
      userCreationForm({ passwordValidators: minimumLengthValidator() } as never),
    ).toThrow(
      "Invalid option `passwordValidators`: expected an array of password validators, got an object",
    );
  });
});
