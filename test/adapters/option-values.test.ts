/**
 * The adapters' entry points refuse a value of the wrong kind at start-up with INVALID_CONFIG
 * naming the option and what it expects; a web layer, whose guest users hold the secret, is
 * shown by its kind only. (unknown-options.test.ts: the keys they do not know.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { guestUserHono } from "../../src/adapters/hono/index.ts";
import { guestUserNext } from "../../src/adapters/next/index.ts";
import { guestUserSvelteKit } from "../../src/adapters/sveltekit/index.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { migratedApp, nextApi, nextResponses } from "./options-support.ts";

const fx = migratedApp();

/** The message of the INVALID_CONFIG error `start` throws (fails the test when none). */
function refusal(start: () => unknown): string {
  try {
    start();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).code).toBe("INVALID_CONFIG");
    return (error as Error).message;
  }
  throw new Error("no error");
}

describe("option values of the adapters", () => {
  it("refuses each wrong value naming the option and what it expects", () => {
    const gu = () => fx.guestUsers();
    const cases: readonly [() => unknown, string][] = [
      [
        () => guestUserExpress(gu(), { login: "pasport" } as never),
        'Invalid option `login`: expected "cookie" or "passport", got "pasport"',
      ],
      [
        () => guestUserFastify(gu(), { formBody: "no" } as never),
        'Invalid option `formBody`: expected true or false, got "no"',
      ],
      [
        () => guestUserHono(gu(), { clientAddress: "203.0.113.9" } as never),
        "Invalid option `clientAddress`: expected a function, got a string",
      ],
      [
        () => guestUserNext(gu(), { cookies: nextApi.cookies } as never),
        "Invalid option `headers`: expected `headers` from next/headers, got undefined",
      ],
      [
        () => guestUserNext(gu(), { ...nextApi, cookies: {} } as never),
        "Invalid option `cookies`: expected `cookies` from next/headers, got an object",
      ],
      [
        () => guestUserSvelteKit(gu(), { redirect: "/login" } as never),
        "Invalid option `redirect`: expected `redirect` from @sveltejs/kit, got a string",
      ],
      [
        () => guestUserNext(gu(), nextApi).proxy(nextResponses, { allowGuestUser: 1 } as never),
        "Invalid option `allowGuestUser`: expected true or false, got 1",
      ],
    ];
    for (const [start, message] of cases) expect(refusal(start)).toBe(message);
  });

  it("shows a wrong web layer by its kind only (its guest users hold the secret)", () => {
    // The guest users instead of their web layer: a common slip, and an object with the secret.
    for (const start of [
      () => guestUserExpress(fx.guestUsers(), { http: fx.guestUsers() } as never),
      () => guestUserHono(fx.guestUsers(), { http: fx.guestUsers() } as never),
      () => guestUserFastify(fx.guestUsers(), { http: fx.guestUsers() } as never),
      () => guestUserNext(fx.guestUsers(), { ...nextApi, http: fx.guestUsers() } as never),
      () => guestUserSvelteKit(fx.guestUsers(), { http: fx.guestUsers() } as never),
    ]) {
      const message = refusal(start);
      expect(message).toBe(
        "Invalid option `http`: expected a web layer (createGuestUserHttp()), got an object",
      );
      expect(message).not.toContain("u".repeat(40));
    }
  });

  it("takes the defaults when the options are left out or undefined", () => {
    expect(guestUserExpress(fx.guestUsers(), { login: undefined }).http).toBeDefined();
    expect(guestUserFastify(fx.guestUsers(), { formBody: undefined }).http).toBeDefined();
    expect(typeof guestUserNext(fx.guestUsers(), nextApi).proxy(nextResponses)).toBe("function");
  });

  it('takes `import * as nextHeaders from "next/headers"` as Next\'s options (its other exports are not options)', async () => {
    const dir = mkdtempSync(join(tmpdir(), "gu-next-headers-"));
    const file = join(dir, "headers.mjs");
    writeFileSync(
      file,
      "export const headers = async () => new Headers({ host: 'localhost:3000' });\n" +
        "export const cookies = async () => ({ set() {} });\nexport const draftMode = () => ({});\n",
    );
    try {
      const nextHeaders = await import(pathToFileURL(file).href);
      const guestUser = guestUserNext(fx.guestUsers(), nextHeaders);
      expect((await guestUser.currentUser()).user).toBeNull();
      // A plain object with the same extra key is still a misspelt option.
      expect(() =>
        guestUserNext(fx.guestUsers(), { ...nextApi, draftMode: () => ({}) } as never),
      ).toThrow("Unknown option `draftMode`");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
