import { describe, expect, it } from "vitest";
import { isJsonContentType, prefersJson, wantsJson } from "../../../src/http/views/index.ts";

describe("prefersJson", () => {
  it.each([
    ["application/json", true],
    ["application/json, text/plain, */*", true],
    ["application/vnd.api+json", true],
    ["text/html;q=0.5, application/json", true],
    ["APPLICATION/JSON", true],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false],
    ["text/html, application/json", false],
    ["*/*", false],
    ["application/*", true],
    ["application/json;q=0", false],
    ["application/json;q=0.5, text/html", false],
    ["application/json;q=abc", false],
    ["", false],
    ["garbage", false],
  ])("%j -> %s", (accept, expected) => {
    expect(prefersJson(accept)).toBe(expected);
  });

  it("handles a missing header", () => {
    expect(prefersJson(null)).toBe(false);
    expect(prefersJson(undefined)).toBe(false);
  });
});

describe("isJsonContentType and wantsJson", () => {
  it("recognises JSON bodies", () => {
    expect(isJsonContentType("application/json")).toBe(true);
    expect(isJsonContentType("application/json; charset=utf-8")).toBe(true);
    expect(isJsonContentType("application/merge-patch+json")).toBe(true);
    expect(isJsonContentType("text/json")).toBe(false);
    expect(isJsonContentType("application/x-www-form-urlencoded")).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });

  it("answers JSON for a JSON Accept or a JSON body", () => {
    const request = (headers: Record<string, string>) =>
      new Request("http://localhost/", { headers });
    expect(wantsJson(request({ accept: "application/json" }))).toBe(true);
    expect(wantsJson(request({ "content-type": "application/json" }))).toBe(true);
    expect(wantsJson(request({ accept: "text/html" }))).toBe(false);
    expect(wantsJson(request({}))).toBe(false);
  });
});
