import { describe, expect, it } from "vitest";
import { csrfProtection, sameOriginRequest } from "../../src/http/csrf.ts";
import { anonymousState, type RequestState } from "../../src/http/request.ts";

const SECRET = "s".repeat(40);
const COOKIE = "sid_csrf";
const URL_ = "http://localhost/convert/";

const cookieFor = (_request: unknown, name: string, value: string) => `${name}=${value}; Path=/`;
const csrf = csrfProtection(SECRET, COOKIE, cookieFor);

const request = (headers: Record<string, string> = {}, url = URL_) => ({
  method: "POST",
  url,
  headers: new Headers(headers),
});

const stateWith = (token: string | null): RequestState => ({ ...anonymousState(), token });

/** The seed a state's Set-Cookie carries, as the browser would send it back. */
const seedOf = (state: RequestState) => {
  const cookie = state.setCookies.find((value) => value.startsWith(`${COOKIE}=`));
  return cookie?.slice(COOKIE.length + 1).split(";")[0] ?? "";
};

describe("csrfProtection", () => {
  it("issues a seed cookie once and a token that verifies for the same browser and session", () => {
    const first = stateWith("abc.secret");
    const token = csrf.token(request(), first);
    expect(first.setCookies).toHaveLength(1);
    expect(seedOf(first)).toMatch(/^[\w-]{44}$/);
    expect(token).toMatch(/^[\w-]{65}$/);
    expect(csrf.token(request(), first)).toBe(token); // every form of one page: one token
    expect(first.setCookies).toHaveLength(1);

    const seed = seedOf(first);
    const next = stateWith("abc.secret");
    const sameBrowser = request({ cookie: `${COOKIE}=${seed}` });
    expect(csrf.verify(sameBrowser, next, token)).toBe(true);
    // The next page has a token of its own (another nonce), which verifies as well.
    const nextToken = csrf.token(sameBrowser, next);
    expect(nextToken).not.toBe(token);
    expect(csrf.verify(sameBrowser, stateWith("abc.secret"), nextToken)).toBe(true);
    expect(next.setCookies).toHaveLength(0);
  });

  it("names the anonymous page a request proved (lazy creation keys bind to it), and only that", () => {
    const page = stateWith(null);
    const token = csrf.token(request(), page);
    const cookie = { cookie: `${COOKIE}=${seedOf(page)}` };
    const proving = stateWith(null);
    expect(csrf.provenPage(proving)).toBeNull();
    expect(csrf.verify(request(cookie), proving, token)).toBe(true);
    expect(csrf.provenPage(proving)).toBe(token.slice(0, 22));
    // Another page of the same browser: another nonce.
    const other = stateWith(null);
    expect(csrf.verify(request(cookie), other, csrf.token(request(cookie), stateWith(null)))).toBe(
      true,
    );
    expect(csrf.provenPage(other)).not.toBe(csrf.provenPage(proving));
    // A session's token proves no anonymous page; a failed check proves nothing.
    const session = stateWith("abc.secret");
    expect(csrf.verify(request(cookie), session, csrf.token(request(cookie), session))).toBe(true);
    expect(csrf.provenPage(session)).toBeNull();
    const failed = stateWith(null);
    expect(csrf.verify(request(cookie), failed, `${token.slice(0, 64)}x`)).toBe(false);
    expect(csrf.provenPage(failed)).toBeNull();
  });

  it("ties the token to the session id: a new session (login, conversion) invalidates it", () => {
    const before = stateWith(null);
    const token = csrf.token(request(), before);
    const cookie = { cookie: `${COOKIE}=${seedOf(before)}` };
    expect(csrf.verify(request(cookie), stateWith(null), token)).toBe(true);
    expect(csrf.verify(request(cookie), stateWith("newid.secret"), token)).toBe(false);
    const session = stateWith("one.x");
    const sessionToken = csrf.token(request(cookie), session);
    expect(csrf.verify(request(cookie), stateWith("one.other-secret"), sessionToken)).toBe(true);
    expect(csrf.verify(request(cookie), stateWith("two.x"), sessionToken)).toBe(false);
  });

  it("refuses missing, forged, foreign, oversized and non-string tokens", () => {
    const state = stateWith("abc.secret");
    const token = csrf.token(request(), state);
    const cookie = { cookie: `${COOKIE}=${seedOf(state)}` };
    const other = stateWith("abc.secret");
    const foreignToken = csrf.token(request(), other);
    for (const submitted of [
      undefined,
      null,
      "",
      "x",
      `${token}x`,
      token.toUpperCase(),
      foreignToken,
      "a".repeat(200),
      42,
      [token],
      { token },
    ]) {
      expect(
        csrf.verify(request(cookie), stateWith("abc.secret"), submitted),
        String(submitted),
      ).toBe(false);
    }
    // Without its seed cookie, even the right token fails.
    expect(csrf.verify(request(), stateWith("abc.secret"), token)).toBe(false);
    // A different secret signs differently.
    const otherSecret = csrfProtection("t".repeat(40), COOKIE, cookieFor);
    expect(otherSecret.verify(request(cookie), stateWith("abc.secret"), token)).toBe(false);
  });

  it("replaces a seed it did not sign (forged, planted, unsigned from older versions, malformed) and never trusts it", () => {
    const issued = stateWith(null);
    csrf.token(request(), issued);
    const real = seedOf(issued);
    const flipped = `${real.slice(0, 43)}${real.endsWith("A") ? "B" : "A"}`;
    const otherSecret = stateWith(null);
    csrfProtection("t".repeat(40), COOKIE, cookieFor).token(request(), otherSecret);
    for (const seed of [
      "f".repeat(32), // any value the old regex took
      "f".repeat(44), // the right shape, no valid signature
      flipped, // a real seed's signature altered
      `${"a".repeat(22)}${real.slice(22)}`, // a real signature on another random part
      seedOf(otherSecret), // signed with another secret
      "short",
      "a".repeat(65),
      "bad seed with spaces",
      "x;y",
    ]) {
      expect(csrf.seed(request({ cookie: `${COOKIE}=${seed}` }), stateWith(null)), seed).toBeNull();
      const state = stateWith(null);
      const token = csrf.token(request({ cookie: `${COOKIE}=${seed}` }), state);
      expect(state.setCookies, seed).toHaveLength(1);
      expect(seedOf(state)).not.toBe(seed);
      expect(csrf.verify(request({ cookie: `${COOKIE}=${seed}` }), stateWith(null), token)).toBe(
        false,
      );
    }
  });
});

describe("sameOriginRequest", () => {
  it.each([
    [{ "sec-fetch-site": "same-origin" }, true],
    [{ "sec-fetch-site": "none" }, true],
    [{ "sec-fetch-site": "same-site" }, false],
    [{ "sec-fetch-site": "cross-site" }, false],
    [{ "sec-fetch-site": "cross-site", origin: "http://localhost" }, false],
    [{ origin: "http://localhost" }, true],
    [{ origin: "http://localhost:80" }, true],
    [{ origin: "https://localhost" }, false],
    [{ origin: "http://localhost:3000" }, false],
    [{ origin: "http://evil.com" }, false],
    [{ origin: "http://localhost.evil.com" }, false],
    [{ origin: "null" }, false],
    [{ origin: "not a url" }, false],
    [{}, false],
  ] as const)("%j -> %s", (headers, expected) => {
    expect(sameOriginRequest(request(headers))).toBe(expected);
  });
});
