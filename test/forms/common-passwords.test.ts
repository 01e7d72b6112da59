import { describe, expect, it } from "vitest";
import {
  isCommonPassword,
  loadCommonPasswords,
} from "../../src/core/model/forms/common-passwords.ts";

describe("the bundled common-password list", () => {
  it("holds 20,000 distinct lower-case, trimmed entries", () => {
    const list = loadCommonPasswords();
    expect(list.size).toBe(20_000);
    for (const password of list) {
      expect(password).toBe(password.toLowerCase().trim());
      expect(password).not.toBe("");
    }
  });

  it("is loaded once and cached", () => {
    expect(loadCommonPasswords()).toBe(loadCommonPasswords());
  });

  it("knows the classics", () => {
    for (const password of ["123456", "password", "qwerty", "123456789", "qwertyuiop", "dragon"]) {
      expect(isCommonPassword(password)).toBe(true);
    }
  });

  it("compares case-insensitively after trimming", () => {
    expect(isCommonPassword(" PassWord\t")).toBe(true);
  });

  it("does not flag a random password", () => {
    expect(isCommonPassword("v7#Lq9!zTf2m")).toBe(false);
    expect(isCommonPassword("")).toBe(false);
  });
});
