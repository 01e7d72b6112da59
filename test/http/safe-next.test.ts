import { describe, expect, it } from "vitest";
import { nextValue, safeNext, withNext } from "../../src/http/safe-next.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { becomeGuest, convertForm, csrfOf, ORIGIN, SECRET, setup } from "./views/client.ts";

const BASE = `${ORIGIN}/convert/`;

/** Redirect targets that must never be followed: each leads (or may lead) off-site. */
const HOSTILE: readonly string[] = [
  "//evil.com",
  "/\\evil.com",
  "\\\\evil.com",
  "\\/evil.com",
  "https://evil.com",
  "http://evil.com/path",
  "http:evil.com",
  "https:/evil.com",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  " javascript:alert(1)",
  " /\\evil.com",
  " //evil.com",
  "%2F%2Fevil.com",
  "/%2F/evil.com",
  "/%2f%2fevil.com",
  "/%5Cevil.com",
  "/%5c%5cevil.com",
  "/%252F%252Fevil.com",
  "\t//evil.com",
  "/\t/evil.com",
  "/\n/evil.com",
  "/\r\n/evil.com",
  "/%09/evil.com",
  "https://user@evil.com",
  "//localhost@evil.com",
  "///evil.com",
  "////evil.com",
  "data:text/html,x",
  "data:text/html;base64,PHNjcmlwdD4=",
  "vbscript:msgbox(1)",
  "/%0d%0aSet-Cookie:x",
  "/%00",
  "http://localhost.evil.com/",
  "http://localhost:8080/",
  "https://localhost/",
  "/\u3000/evil.com",
  "/\u00a0/evil.com",
  `/${"a".repeat(5000)}`,
  "",
  // Dot segments: the URL parser normalizes these paths to "//evil.com".
  "/.//evil.com",
  "/..//evil.com",
  "/a/..//evil.com",
  "/%2e%2e//evil.com",
  "/%2e//evil.com",
];

const NOT_STRINGS: readonly unknown[] = [null, undefined, 42, ["/a/"], { href: "/a/" }, true];

describe("safeNext", () => {
  it.each(HOSTILE.map((next) => [JSON.stringify(next).slice(0, 60), next]))(
    "refuses %s",
    (_label, next) => {
      expect(safeNext(next, BASE)).toBeNull();
    },
  );

  it("refuses values that are not strings", () => {
    for (const next of NOT_STRINGS) expect(safeNext(next, BASE)).toBeNull();
  });

  it.each([
    ["/a/?b=1", "/a/?b=1"],
    ["/cart#x", "/cart#x"],
    ["/", "/"],
    ["/caf%C3%A9/", "/caf%C3%A9/"],
    ["/search/?q=a%2Fb", "/search/?q=a%2Fb"],
    ["/login/?next=//evil.com", "/login/?next=//evil.com"],
  ])("keeps the same-origin path %s", (next, expected) => {
    expect(safeNext(next, BASE)).toBe(expected);
    expect(safeNext(next, new URL(BASE))).toBe(expected);
  });

  it("never returns a value a browser would read as another host", () => {
    for (const next of [...HOSTILE, "/a/../b", "/./c", "/%2e%2e/d"]) {
      const target = safeNext(next, BASE);
      if (target !== null) expect(target, JSON.stringify(next)).toMatch(/^\/(?![/\\])/);
    }
  });
});

describe("nextValue and withNext", () => {
  it("build the reference's redirect URLs", () => {
    const url = new URL(`${ORIGIN}/regular_user_required/?a=1`);
    expect(nextValue(url, "/accounts/login/")).toBe("/regular_user_required/?a=1");
    expect(nextValue(url, "https://sso.example/login")).toBe(url.href);
    expect(withNext("/accounts/login/", "next", "/regular_user_required/")).toBe(
      "/accounts/login/?next=/regular_user_required/",
    );
    expect(withNext("/convert/?from=x#top", "next", "/p/?q=1&r=2")).toBe(
      "/convert/?from=x&next=/p/%3Fq%3D1%26r%3D2#top",
    );
  });
});

describeEachDatabase("hostile next through the convert view", (fx) => {
  it("leaves a hostile next out of the form and falls back to convertRedirectUrl", async () => {
    const { client, gu } = setup(await fx.open({ secret: SECRET }));
    let n = 0;
    for (const next of HOSTILE) {
      await becomeGuest(client, gu);
      const html = await (await client.get(`/convert/?next=${encodeURIComponent(next)}`)).text();
      expect(html, JSON.stringify(next)).not.toContain('name="next"');
      const response = await client.post("/convert/", {
        ...convertForm(`hostile${n++}`),
        csrf_token: csrfOf(html),
        next,
      });
      expect(response.status, JSON.stringify(next)).toBe(302);
      expect(response.headers.get("location"), JSON.stringify(next)).toBe("/convert/success/");
    }
  });

  it("falls back for a next that is not a string (JSON body)", async () => {
    const { client, gu } = setup(await fx.open({ secret: SECRET, tablePrefix: "nonstring_" }));
    let n = 0;
    for (const next of NOT_STRINGS) {
      await becomeGuest(client, gu);
      const response = await client.postJson(
        "/convert/?next=/from-query/",
        { ...convertForm(`typed${n++}`), ...(next === undefined ? {} : { next }) },
        { headers: { origin: ORIGIN } },
      );
      const expected = next === undefined ? "/from-query/" : "/convert/success/";
      expect((await response.json()).redirect, JSON.stringify(next)).toBe(expected);
    }
  });
});
