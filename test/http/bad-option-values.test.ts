/**
 * Every web-layer factory taking an options object refuses a bad value at start-up with
 * INVALID_CONFIG naming the option and what it expects (a missing required one too), never
 * showing a client secret; and fills in its defaults. (unknown-options.test.ts: unknown keys.)
 */
import { describe, expect, it } from "vitest";
import { adminViews } from "../../src/admin.ts";
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
import { CLIENT, migratedApp, ok } from "../adapters/options-support.ts";

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

const invalid = (option: string, expected: string) => `Invalid option \`${option}\`: ${expected}`;

describe("bad option values of the web layer's factories", () => {
  it("the guards: redirect targets and the query parameter are non-empty text", () => {
    expect(refusal(() => guards.guestUserRequired({ anonymousUrl: 5 } as never))).toBe(
      invalid("anonymousUrl", 'expected a URL or path, such as "/accounts/login/", got 5'),
    );
    expect(refusal(() => guards.regularUserRequired({ redirectFieldName: "" }))).toBe(
      invalid("redirectFieldName", 'expected a query parameter name, such as "next", got ""'),
    );
    expect(refusal(() => guards.loginRequired({ loginUrl: null } as never))).toBe(
      invalid("loginUrl", 'expected a URL or path, such as "/accounts/login/", got null'),
    );
    expect(refusal(() => guards.termsRequired("/terms/" as never))).toBe(
      invalid("options", 'expected an object, got "/terms/"'),
    );
  });

  it("accountViews(): paths, whole numbers and the templates bag", () => {
    const http = fx.http();
    expect(refusal(() => accountViews(http, { logoutPath: "//evil/" }))).toBe(
      invalid(
        "logoutPath",
        'expected a path starting with "/", such as "/accounts/logout/", got "//evil/"',
      ),
    );
    expect(refusal(() => accountViews(http, { maxBodyBytes: 1.5 }))).toBe(
      invalid("maxBodyBytes", "expected a positive whole number of bytes, got 1.5"),
    );
    expect(refusal(() => accountViews(http, { templates: "mine" } as never))).toBe(
      invalid("templates", 'expected an object, got "mine"'),
    );
  });

  it("adminViews(): canAccess, prefix, pageSize, and the account views' logoutPath", () => {
    const http = fx.http();
    expect(refusal(() => adminViews(http, { canAccess: "staff" } as never))).toBe(
      invalid(
        "canAccess",
        'expected a function that says who may use the admin, e.g. canAccess: (user) => user.isStaff (the default), got "staff"',
      ),
    );
    expect(refusal(() => adminViews(http, { prefix: "/" }))).toBe(
      invalid(
        "prefix",
        'expected a path that starts and ends with "/", such as "/admin/guests/", got "/"',
      ),
    );
    expect(refusal(() => adminViews(http, { pageSize: 501 }))).toBe(
      invalid("pageSize", "expected a whole number from 1 to 500, got 501"),
    );
    expect(refusal(() => adminViews(http, { logoutPath: "out" }))).toContain("`logoutPath`");
    const routes = adminViews(http, { prefix: "/staff/" });
    expect(routes.map((route) => route.path)).toContain("/staff/funnel/");
  });

  it("fetchHandler(): the client address function and a trustProxy proxy-addr can compile", () => {
    const http = fx.http();
    expect(refusal(() => fetchHandler(http, [], ok, { clientAddress: "::1" } as never))).toBe(
      invalid(
        "clientAddress",
        'expected a function returning the client\'s address (or null), got "::1"',
      ),
    );
    expect(refusal(() => fetchHandler(http, [], ok, { trustProxy: "loopbak" }))).toBe(
      invalid(
        "trustProxy",
        'expected true, false, a hop count, addresses or CIDRs (such as "loopback, 10.0.0.0/8") or a function, got "loopbak"',
      ),
    );
    expect(typeof fetchHandler(http, [], ok, { trustProxy: "loopback, 10.0.0.0/8" })).toBe(
      "function",
    );
  });

  it("oauthViews(): providers (required, uniquely named), prefix and origin", () => {
    const http = fx.http();
    const github = githubProvider(CLIENT);
    expect(refusal(() => oauthViews(http, {} as never))).toBe(
      invalid(
        "providers",
        "expected at least one provider, such as oidcProvider({ issuer, clientId, clientSecret }), got undefined",
      ),
    );
    expect(refusal(() => oauthViews(http, { providers: [github, github] }))).toBe(
      invalid(
        "providers",
        'each provider needs a unique name of letters, digits, "_", "." or "-"; got "github"',
      ),
    );
    expect(refusal(() => oauthViews(http, { providers: [github], origin: "nope" }))).toBe(
      invalid("origin", 'expected an origin such as "https://app.example.com", got "nope"'),
    );
    const routes = oauthViews(http, { providers: [github], origin: "https://app.example/x?y" });
    expect(routes.map((route) => route.path)).toEqual([
      "/accounts/oauth/github/start/",
      "/accounts/oauth/github/callback/",
    ]);
  });

  it("the providers: client id and secret required, the secret never shown", () => {
    expect(refusal(() => githubProvider({} as never))).toBe(
      invalid("clientId", "expected the OAuth client id the provider gave you, got undefined"),
    );
    expect(refusal(() => googleProvider({ clientId: "x", clientSecret: "" }))).toBe(
      invalid("clientSecret", "expected the OAuth client secret, got an empty string"),
    );
    const secret = refusal(() => githubProvider({ clientId: "x", clientSecret: 271828 } as never));
    expect(secret).toBe(invalid("clientSecret", "expected the OAuth client secret, got a number"));
    expect(refusal(() => googleProvider({ ...CLIENT, scopes: "openid" } as never))).toBe(
      invalid("scopes", 'expected a list of scopes, such as ["read:user"], got "openid"'),
    );
    expect(refusal(() => githubProvider({ ...CLIENT, redirectUri: "/cb/" }))).toContain(
      "Invalid option `redirectUri`: expected an absolute URL",
    );
    const oidc = { issuer: "https://id.example/", clientId: "a", clientSecret: "" };
    expect(oidcProvider(oidc).name).toBe("oidc");
    expect(refusal(() => oidcProvider({ ...oidc, issuer: "not a url" }))).toBe(
      invalid(
        "issuer",
        'expected the issuer\'s URL, such as "https://accounts.google.com", got "not a url"',
      ),
    );
    const hidden = refusal(() =>
      oidcProvider({ ...oidc, clientSecret: { key: "hunter2" } } as never),
    );
    expect(hidden).toBe(
      invalid("clientSecret", "expected the client secret the issuer gave you, got an object"),
    );
    expect(refusal(() => oidcProvider({ ...oidc, allowInsecureRequests: "yes" } as never))).toBe(
      invalid("allowInsecureRequests", 'expected true or false, got "yes"'),
    );
  });
});
