import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "../../src/forms.ts";

const FAST = { logN: 10, r: 8, p: 1 };

describe("passwords", () => {
  it("hashes with scrypt, parameters and salt inside the string", async () => {
    const a = await hashPassword("s3cret-Pass", FAST);
    const b = await hashPassword("s3cret-Pass", FAST);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
  });

  it("verifies the right password only", async () => {
    const hash = await hashPassword("s3cret-Pass", FAST);
    expect(await verifyPassword(hash, "s3cret-Pass")).toBe(true);
    expect(await verifyPassword(hash, "s3cret-pass")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("never matches a missing (guest) or malformed hash", async () => {
    expect(await verifyPassword(null, "")).toBe(false);
    expect(await verifyPassword("", "")).toBe(false);
    expect(await verifyPassword("$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "x")).toBe(false);
    expect(await verifyPassword("pbkdf2_sha256$1$x$y", "x")).toBe(false);
  });

  it("uses the default strong parameters and verifies old, weaker hashes after they are raised", async () => {
    const strong = await hashPassword("pw");
    expect(strong).toMatch(/^\$scrypt\$ln=16,r=8,p=1\$/);
    const weak = await hashPassword("pw", FAST);
    expect(await verifyPassword(weak, "pw")).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(strong)).toBe(false);
  });
});
