import { describe, expect, it } from "vitest";
import { BodyError, MAX_BODY_BYTES, readBody } from "../../../src/http/views/index.ts";
import { GuestUserError } from "../../../src/shared/errors.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { becomeGuest, convertForm, ORIGIN, SECRET, setup } from "./client.ts";

const post = (body: BodyInit | null, contentType?: string, extra: Record<string, string> = {}) =>
  new Request(`${ORIGIN}/x/`, {
    method: "POST",
    headers: { ...(contentType ? { "content-type": contentType } : {}), ...extra },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e as BodyError,
  );

describe("readBody", () => {
  it("reads urlencoded, multipart and JSON bodies into plain objects", async () => {
    const form = await readBody(
      post("a=1&a=2&b=x%20y&__proto__=p", "application/x-www-form-urlencoded"),
    );
    expect(form.kind).toBe("form");
    expect(form.fields).toEqual({ a: "1", b: "x y", ["__proto__"]: "p" });
    expect(Object.getPrototypeOf(form.fields)).toBe(Object.prototype);
    const data = new FormData();
    data.set("username", "ann");
    const multipart = await readBody(new Request(`${ORIGIN}/x/`, { method: "POST", body: data }));
    expect(multipart).toEqual({ kind: "form", fields: { username: "ann" } });
    const json = await readBody(post('{"username":"ann"}', "application/json; charset=utf-8"));
    expect(json).toEqual({ kind: "json", fields: { username: "ann" } });
    expect(await readBody(post(null))).toEqual({ kind: "form", fields: {} });
  });

  it("refuses bodies over the limit with 413, whatever Content-Length says", async () => {
    const big = "a=".padEnd(MAX_BODY_BYTES + 10, "x");
    expect((await failure(readBody(post(big, "application/x-www-form-urlencoded"))))?.status).toBe(
      413,
    );
    const declared = await failure(
      readBody(post("a=1", "application/x-www-form-urlencoded", { "content-length": "999999999" })),
    );
    expect(declared?.status).toBe(413);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 16_384;
        controller.enqueue(new Uint8Array(16_384).fill(97));
        if (sent > 10 * MAX_BODY_BYTES) controller.close();
      },
    });
    const streamed = await failure(readBody(post(endless, "application/json")));
    expect(streamed).toBeInstanceOf(BodyError);
    expect(streamed?.status).toBe(413);
    expect(sent).toBeLessThan(2 * MAX_BODY_BYTES);
    expect(
      (await failure(readBody(post("a=12345", "application/x-www-form-urlencoded"), 4)))?.code,
    ).toBe("BODY_TOO_LARGE");
  });

  it("refuses malformed JSON and non-object JSON with 400, other types with 415", async () => {
    for (const text of ["{", "", "nope", "[1,2]", "null", '"text"', "42"]) {
      const error = await failure(readBody(post(text, "application/json")));
      expect(error?.status, text).toBe(400);
      expect(error?.code).toBe("MALFORMED_BODY");
      expect(error?.message).toMatch(/JSON/);
    }
    const xml = await failure(readBody(post("<a/>", "text/xml")));
    expect(xml?.status).toBe(415);
    const plain = await failure(readBody(post("username=x", "text/plain")));
    expect(plain?.status).toBe(415);
  });

  it("takes JSON nested 64 levels deep, refuses 65 (and 5,000 in 10 KB) with 400 BODY_TOO_DEEP", async () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    expect((await readBody(post(nested(64), "application/json"))).kind).toBe("json");
    for (const text of [
      nested(65),
      `{"username":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      `${"[".repeat(5000)}${"]".repeat(5000)}`,
    ]) {
      const error = await failure(readBody(post(text, "application/json")));
      expect(error).toBeInstanceOf(BodyError);
      expect(error).toBeInstanceOf(GuestUserError);
      expect([error?.status, error?.code]).toEqual([400, "BODY_TOO_DEEP"]);
    }
  });
});

describeEachDatabase("body limits on the views", (fx) => {
  it("answers 413 to an oversized POST and 400 to malformed JSON, changing nothing", async () => {
    const { client, gu } = setup(await fx.open({ secret: SECRET }));
    const guest = await becomeGuest(client, gu);
    const csrf = await client.csrf("/convert/");
    const huge = await client.post("/convert/", {
      ...convertForm("huge"),
      csrf_token: csrf,
      filler: "x".repeat(70_000),
    });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain("larger than 65536 bytes");
    const hugeJson = await client.postJson(
      "/convert/",
      { ...convertForm("huge"), filler: "x".repeat(70_000) },
      { headers: { origin: ORIGIN } },
    );
    expect(hugeJson.status).toBe(413);
    expect((await hugeJson.json()).error.code).toBe("BODY_TOO_LARGE");
    const malformed = await client.request("POST", "/convert/", {
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: '{"username": "x",',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message).toMatch(/not valid JSON/);
    const wrongType = await client.request("POST", "/convert/", {
      headers: { "content-type": "text/plain" },
      body: "username=x",
    });
    expect(wrongType.status).toBe(415);
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("honours maxBodyBytes", async () => {
    const { client, gu } = setup(await fx.open({ secret: SECRET, tablePrefix: "limit_" }), {
      maxBodyBytes: 100,
    });
    await becomeGuest(client, gu);
    const response = await client.post("/convert/", { filler: "x".repeat(200) });
    expect(response.status).toBe(413);
  });
});
