import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import {
  githubProvider,
  googleProvider,
  oauthStartPath,
  oauthViews,
  oidcProvider,
} from "../../../src/http/oauth/index.ts";
import { createGuestUsers, GuestUserError } from "../../../src/index.ts";

const FLOW = {
  redirectUri: "https://app.example/accounts/oauth/github/callback/",
  state: "s".repeat(43),
  codeVerifier: "v".repeat(43),
  nonce: "n".repeat(43),
};
const challenge = createHash("sha256").update(FLOW.codeVerifier).digest("base64url");

describe("the GitHub and Google presets (no network)", () => {
  it("GitHub: the authorize URL with PKCE S256, state, scopes and the redirect URI", async () => {
    const provider = githubProvider({ clientId: "gh-id", clientSecret: "gh-secret" });
    expect(provider).toMatchObject({ name: "github", label: "GitHub" });
    const url = await provider.authorizationUrl(FLOW);
    expect(`${url.origin}${url.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "gh-id",
      redirect_uri: FLOW.redirectUri,
      state: FLOW.state,
      code_challenge_method: "S256",
      code_challenge: challenge,
      scope: "read:user user:email",
    });
    expect(url.href).not.toContain("gh-secret");
  });

  it("Google: the authorize URL with PKCE S256, state, nonce and OpenID scopes", async () => {
    const provider = googleProvider({
      clientId: "g-id",
      clientSecret: "g-secret",
      name: "gmail",
      redirectUri: "https://fixed.example/cb/",
    });
    expect(provider).toMatchObject({
      name: "gmail",
      label: "Google",
      redirectUri: "https://fixed.example/cb/",
    });
    const url = await provider.authorizationUrl({
      ...FLOW,
      redirectUri: "https://fixed.example/cb/",
    });
    expect(`${url.origin}${url.pathname}`).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "g-id",
      redirect_uri: "https://fixed.example/cb/",
      state: FLOW.state,
      code_challenge_method: "S256",
      code_challenge: challenge,
      scope: "openid email profile",
      nonce: FLOW.nonce,
    });
  });

  it("refuses missing client credentials and bad issuers at start-up, naming the option", () => {
    const code = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return `${(error as GuestUserError).code} ${(error as Error).message}`;
      }
      return "no error";
    };
    expect(code(() => githubProvider({ clientId: "", clientSecret: "x" }))).toMatch(
      /^INVALID_CONFIG .*`clientId`/,
    );
    expect(code(() => googleProvider({ clientId: "x", clientSecret: "" }))).toMatch(
      /^INVALID_CONFIG .*`clientSecret`/,
    );
    expect(
      code(() => oidcProvider({ issuer: "not a url", clientId: "a", clientSecret: "b" })),
    ).toMatch(/^INVALID_CONFIG .*`issuer`/);
  });
});

describe("oauthViews", () => {
  const http = createGuestUserHttp(
    createGuestUsers({ database: "sqlite::memory:", secret: "k".repeat(40) }),
  );
  const github = githubProvider({ clientId: "a", clientSecret: "b" });

  it("mounts a start and a callback route per provider under the prefix", () => {
    const google = googleProvider({ clientId: "c", clientSecret: "d" });
    const routes = oauthViews(http, { providers: [github, google], prefix: "/social/" });
    expect(routes.map((r) => `${r.methods.join(",")} ${r.path}`)).toEqual([
      "GET /social/github/start/",
      "GET /social/github/callback/",
      "GET /social/google/start/",
      "GET /social/google/callback/",
    ]);
    expect(oauthStartPath("github", { next: "/editor/?a=1" })).toBe(
      "/accounts/oauth/github/start/?next=/editor/%3Fa%3D1",
    );
  });

  it("refuses duplicate provider names, bad prefixes and origins", () => {
    expect(() => oauthViews(http, { providers: [github, github] })).toThrow(GuestUserError);
    expect(() => oauthViews(http, { providers: [] })).toThrow(/at least one provider/);
    expect(() => oauthViews(http, { providers: [github], prefix: "social" })).toThrow(/`prefix`/);
    expect(() => oauthViews(http, { providers: [github], origin: "nope" })).toThrow(/`origin`/);
  });
});
