import { describe, expect, it } from "vitest";
import {
  commonPasswordValidator,
  defaultPasswordValidators,
  minimumLengthValidator,
  numericPasswordValidator,
  type PasswordValidator,
  userAttributeSimilarityValidator,
  validatePassword,
} from "../../src/core/model/forms/password-validators.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";

const STRONG = "v7#Lq9!zTf2m";
const TOO_SIMILAR_USERNAME = "The password is too similar to the username.";
const TOO_SIMILAR_EMAIL = "The password is too similar to the email address.";

describe("minimumLengthValidator", () => {
  const validator = minimumLengthValidator();

  it("rejects passwords under 8 characters, naming the minimum", () => {
    expect(validator.validate("abc1234", {})).toBe(
      "This password is too short. It must contain at least 8 characters.",
    );
    expect(validator.validate("", {})).not.toBeNull();
  });

  it("accepts 8 characters and more", () => {
    expect(validator.validate("abcd1234", {})).toBeNull();
    expect(validator.validate(STRONG, {})).toBeNull();
  });

  it("substitutes the configured length and counts code points", () => {
    const twelve = minimumLengthValidator({ minLength: 12 });
    expect(twelve.validate("abcdefghijk", {})).toBe(
      "This password is too short. It must contain at least 12 characters.",
    );
    expect(twelve.validate("abcdefghijkl", {})).toBeNull();
    // Eight emoji are eight characters, though sixteen UTF-16 units.
    expect(validator.validate("🦦🦦🦦🦦🦦🦦🦦", {})).not.toBeNull();
    expect(validator.validate("🦦🦦🦦🦦🦦🦦🦦🦦", {})).toBeNull();
    expect(minimumLengthValidator({ minLength: 1 }).validate("", {})).toBe(
      "This password is too short. It must contain at least 1 character.",
    );
  });

  it("rejects a bad minimum", () => {
    expect(() => minimumLengthValidator({ minLength: 0 })).toThrow(InvalidConfigError);
    expect(() => minimumLengthValidator({ minLength: 7.5 })).toThrow(/minLength/);
  });
});

describe("userAttributeSimilarityValidator", () => {
  const validator = userAttributeSimilarityValidator();

  it("rejects a password close to the username", () => {
    expect(validator.validate("john.smith1", { username: "john.smith" })).toBe(
      TOO_SIMILAR_USERNAME,
    );
    expect(validator.validate("JOHN.SMITH", { username: "john.smith" })).toBe(TOO_SIMILAR_USERNAME);
    expect(validator.validate("htimsnhoj", { username: "john.smith" })).toBe(TOO_SIMILAR_USERNAME);
  });

  it("compares with each part of the username and email", () => {
    expect(validator.validate("smithers", { username: "john.smith" })).toBe(TOO_SIMILAR_USERNAME);
    expect(validator.validate("Example1", { email: "jo@example.com" })).toBe(TOO_SIMILAR_EMAIL);
    expect(validator.validate("jo@example.com", { email: "jo@example.com" })).toBe(
      TOO_SIMILAR_EMAIL,
    );
  });

  it("accepts passwords unlike the attributes, and missing attributes", () => {
    expect(validator.validate(STRONG, { username: "john.smith", email: "john@example.com" })).toBe(
      null,
    );
    expect(validator.validate("john.smith", {})).toBeNull();
    expect(validator.validate("john.smith", { username: "", email: null })).toBeNull();
  });

  it("accepts a long passphrase that merely contains a short part", () => {
    expect(validator.validate("correct-horse-battery-john", { username: "john.smith" })).toBeNull();
    expect(validator.validate("aaaaaaaaaaaaaaaaaaaaaa", { username: "aa" })).toBeNull();
    expect(validator.validate("aaa", { username: "aa" })).toBe(TOO_SIMILAR_USERNAME);
  });

  it("honours maxSimilarity and the attribute list", () => {
    const strict = userAttributeSimilarityValidator({ maxSimilarity: 0.3 });
    expect(strict.validate("johnny-5-alive", { username: "john" })).toBe(TOO_SIMILAR_USERNAME);
    expect(validator.validate("johnny-5-alive", { username: "john" })).toBeNull();
    const onlyUsername = userAttributeSimilarityValidator({ attributes: ["username"] });
    expect(onlyUsername.validate("jo@example.com", { email: "jo@example.com" })).toBeNull();
    expect(() => userAttributeSimilarityValidator({ maxSimilarity: 0 })).toThrow(
      InvalidConfigError,
    );
    expect(() => userAttributeSimilarityValidator({ maxSimilarity: 2 })).toThrow(/maxSimilarity/);
    expect(() => userAttributeSimilarityValidator({ attributes: ["name"] } as never)).toThrow(
      'Invalid option `attributes`: expected an array of "username" and "email", got ["name"]',
    );
  });
});

describe("commonPasswordValidator", () => {
  const validator = commonPasswordValidator();

  it("takes an iterable of passwords, not one password", () => {
    expect(() => commonPasswordValidator({ passwords: "hunter2" })).toThrow(
      "Invalid option `passwords`: expected an iterable of passwords (an array, a Set), got a string",
    );
    expect(
      commonPasswordValidator({ passwords: new Set(["hunter2"]) }).validate("Hunter2", {}),
    ).toBe("This password is too common.");
  });

  it("rejects well-known passwords, whatever their case and surrounding spaces", () => {
    for (const password of ["password", "123456789", "qwertyuiop", "  Password ", "ILOVEYOU"]) {
      expect(validator.validate(password, {})).toBe("This password is too common.");
    }
  });

  it("accepts an uncommon password", () => {
    expect(validator.validate(STRONG, {})).toBeNull();
    expect(validator.validate("otter-quantum-lantern", {})).toBeNull();
  });

  it("can use your own list instead", () => {
    const own = commonPasswordValidator({ passwords: ["Hunter2", "letmein"] });
    expect(own.validate("hunter2", {})).toBe("This password is too common.");
    expect(own.validate("password", {})).toBeNull();
  });
});

describe("numericPasswordValidator", () => {
  const validator = numericPasswordValidator();

  it("rejects passwords made only of digits", () => {
    expect(validator.validate("12345678901", {})).toBe("This password is entirely numeric.");
    expect(validator.validate("83920174650", {})).toBe("This password is entirely numeric.");
    expect(validator.validate("٣٤٥٦٧٨٩٠١٢", {})).toBe("This password is entirely numeric.");
  });

  it("accepts passwords with anything else in them", () => {
    expect(validator.validate("8392017465a", {})).toBeNull();
    expect(validator.validate("8392 0174", {})).toBeNull();
    expect(validator.validate("", {})).toBeNull();
  });
});

describe("validatePassword", () => {
  it("returns every failing rule's message, in order", () => {
    expect(validatePassword("1234", { username: "ann" })).toEqual([
      "This password is too short. It must contain at least 8 characters.",
      "This password is too common.",
      "This password is entirely numeric.",
    ]);
    expect(validatePassword("john.smith1", { username: "john.smith" })).toEqual([
      TOO_SIMILAR_USERNAME,
    ]);
  });

  it("returns nothing for a strong password", () => {
    expect(validatePassword(STRONG, { username: "john.smith", email: "john@example.com" })).toEqual(
      [],
    );
  });

  it("runs the validators it is given", () => {
    const noSpaces: PasswordValidator = {
      name: "noSpaces",
      validate: (password) => (password.includes(" ") ? "No spaces, please." : null),
    };
    expect(validatePassword("a b", {}, [noSpaces])).toEqual(["No spaces, please."]);
    expect(validatePassword("a b", {}, [])).toEqual([]);
    expect(defaultPasswordValidators.map((validator) => validator.name)).toEqual([
      "userAttributeSimilarity",
      "minimumLength",
      "commonPassword",
      "numericPassword",
    ]);
  });
});
