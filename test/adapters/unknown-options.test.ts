/**
 * Every public entry point taking an options object refuses a key it does not know, at
 * start-up, with INVALID_CONFIG naming the key (its path) and the closest known one: the five
 * adapters and their guards, Next's proxy, the decorators, the account views (their templates
 * too), the admin, fetchHandler, the social-login views and providers. (known-options.test.ts:
 * the same entry points, given every option they know, serve real requests.)
 */
import { describe, expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { guestUserHono } from "../../src/adapters/hono/index.ts";
import { guestUserNext } from "../../src/adapters/next/index.ts";
import { guestUserNuxt } from "../../src/adapters/nuxt/index.ts";
import { guestUserSvelteKit } from "../../src/adapters/sveltekit/index.ts";
import { adminViews } from "../../src/admin.ts";
import * as decorators from "../../src/http/decorators.ts";
import { fetchHandler } from "../../src/http/fetch-handler.ts";
import * as guards from "../../src/http/guards.ts";
import {
  githubProvider,
  googleProvider,
  oauthViews,
  oidcProvider,
} from "../../src/http/oauth/index.ts";
import { accountViews } from "../../src/http/views/index.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { CLIENT, migratedApp, nextApi, nextResponses, ok } from "./options-support.ts";

const fx = migratedApp();

/** The error `start` throws (fails the test when none). */
function refusal(start: () => unknown): InvalidConfigError {
  try {
    start();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error("no error");
}

type Case = readonly [entry: string, start: () => unknown, path: string, suggestion: string];

const cases = (): readonly Case[] => [
  [
    "guestUserExpress()",
    () => guestUserExpress(fx.guestUsers(), { logn: "passport" } as never),
    "logn",
    "login",
  ],
  [
    "guestUserHono()",
    () => guestUserHono(fx.guestUsers(), { trustProxies: 1 } as never),
    "trustProxies",
    "trustProxy",
  ],
  [
    "guestUserFastify()",
    () => guestUserFastify(fx.guestUsers(), { formbody: false } as never),
    "formbody",
    "formBody",
  ],
  [
    "guestUserNext()",
    () => guestUserNext(fx.guestUsers(), { ...nextApi, clientAdress: () => null } as never),
    "clientAdress",
    "clientAddress",
  ],
  [
    "guestUserSvelteKit()",
    () => guestUserSvelteKit(fx.guestUsers(), { redirects: () => null } as never),
    "redirects",
    "redirect",
  ],
  [
    "guestUserNuxt()",
    () => guestUserNuxt(fx.guestUsers(), { sessionPth: "/me" } as never),
    "sessionPth",
    "sessionPath",
  ],
  [
    "termsRequired()",
    () => guestUserNuxt(fx.guestUsers()).termsRequired(ok, { acceptURL: "/t/" } as never),
    "acceptURL",
    "acceptUrl",
  ],
  [
    "guestUser.proxy()",
    () =>
      guestUserNext(fx.guestUsers(), nextApi).proxy(nextResponses, {
        allowGuestUsers: true,
      } as never),
    "allowGuestUsers",
    "allowGuestUser",
  ],
  [
    "guestUserRequired()",
    () => guestUserExpress(fx.guestUsers()).guestUserRequired({ registeredURL: "/" } as never),
    "registeredURL",
    "registeredUrl",
  ],
  [
    "regularUserRequired()",
    () => guestUserHono(fx.guestUsers()).regularUserRequired({ loginURL: "/in/" } as never),
    "loginURL",
    "loginUrl",
  ],
  [
    "termsRequired()",
    () => guestUserFastify(fx.guestUsers()).termsRequired({ acceptUri: "/t/" } as never),
    "acceptUri",
    "acceptUrl",
  ],
  [
    "regularUserRequired()",
    () =>
      guestUserNext(fx.guestUsers(), nextApi).regularUserRequired(ok, {
        convertURL: "/c/",
      } as never),
    "convertURL",
    "convertUrl",
  ],
  [
    "loginRequired()",
    () => guards.loginRequired({ redirectField: "back" } as never),
    "redirectField",
    "redirectFieldName",
  ],
  [
    "guestUserRequired()",
    () => decorators.guestUserRequired({ anonymousURL: "/" } as never),
    "anonymousURL",
    "anonymousUrl",
  ],
  [
    "accountViews()",
    () => accountViews(fx.http(), { signUpPath: "/join/" } as never),
    "signUpPath",
    "signupPath",
  ],
  [
    "accountViews()",
    () => accountViews(fx.http(), { templates: { layuot: () => "" } } as never),
    "templates.layuot",
    "templates.layout",
  ],
  [
    "adminViews()",
    () => adminViews(fx.http(), { canAccess: () => true, pagesize: 10 } as never),
    "pagesize",
    "pageSize",
  ],
  [
    "adminViews()",
    () =>
      adminViews(fx.http(), {
        canAccess: () => true,
        templates: { guestlist: () => "" },
      } as never),
    "templates.guestlist",
    "templates.guestList",
  ],
  [
    "fetchHandler()",
    () => fetchHandler(fx.http(), [], ok, { trustproxy: 1 } as never),
    "trustproxy",
    "trustProxy",
  ],
  [
    "oauthViews()",
    () => oauthViews(fx.http(), { providers: [githubProvider(CLIENT)], prefx: "/o/" } as never),
    "prefx",
    "prefix",
  ],
  ["githubProvider()", () => githubProvider({ ...CLIENT, scope: [] } as never), "scope", "scopes"],
  [
    "googleProvider()",
    () => googleProvider({ ...CLIENT, redirectUrl: "x" } as never),
    "redirectUrl",
    "redirectUri",
  ],
  [
    "oidcProvider()",
    () =>
      oidcProvider({ ...CLIENT, issuer: "http://localhost/", allowInsecureRequest: true } as never),
    "allowInsecureRequest",
    "allowInsecureRequests",
  ],
];

describe("unknown options of every entry point", () => {
  it("refuses each one naming the key, its path and the closest known key", () => {
    for (const [entry, start, path, suggestion] of cases()) {
      const error = refusal(start);
      expect(error.code).toBe("INVALID_CONFIG");
      expect(error.option).toBe(path);
      expect(error.message).toBe(
        `Unknown option \`${path}\`: did you mean \`${suggestion}\`? (${entry} has no such option)`,
      );
    }
  });

  it("lists the known keys when none is close", () => {
    expect(refusal(() => guestUserExpress(fx.guestUsers(), { zzz: 1 } as never)).message).toBe(
      "Unknown option `zzz`: it takes `login`, `http` (guestUserExpress() has no such option)",
    );
  });

  it("checks a key whose value is undefined by its name", () => {
    expect(
      refusal(() => guestUserFastify(fx.guestUsers(), { formbody: undefined } as never)).option,
    ).toBe("formbody");
  });
});
