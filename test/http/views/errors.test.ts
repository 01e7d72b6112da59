import { expect, it, vi } from "vitest";
import { userCreationForm } from "../../../src/forms.ts";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import { accountViews } from "../../../src/http/views/index.ts";
import { createGuestUsers, type GuestUsers } from "../../../src/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { becomeGuest, browser, convertForm, csrfOf, ORIGIN, SECRET, setup } from "./client.ts";

it("answers 503 with a short page when the database is down, and logs it", async () => {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const gu = createGuestUsers({
    database: "postgres://postgres@127.0.0.1:1/nowhere",
    secret: SECRET,
    logger,
  });
  const client = browser(createGuestUserHttp(gu));
  const form = await (await client.get("/accounts/login/")).text();
  for (const headers of [{}, { accept: "application/json" }] as Record<string, string>[]) {
    const response = await client.post(
      "/accounts/login/",
      { username: "ann", password: "whatever-pass", csrf_token: csrfOf(form) },
      { headers },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const text = await response.text();
    expect(text).toMatch(/temporarily unavailable/);
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|DATABASE_URL/);
    if (headers.accept) {
      expect(JSON.parse(text)).toMatchObject({ error: { code: "DATABASE_UNAVAILABLE" } });
    }
  }
  // One line for the outage, not one per failing request.
  expect(logger.error).toHaveBeenCalledTimes(1);
  await gu.close();
});

describeEachDatabase("errors in the views", (fx) => {
  it("answers 500 with a generic message for anything unexpected, logging the error", async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const gu = await fx.open({ secret: SECRET, logger });
    const boom = new Error("secret internals at store.ts:42");
    const broken: GuestUsers = {
      ...gu,
      authenticate: async () => {
        throw boom;
      },
    };
    const client = browser(createGuestUserHttp(broken));
    const csrf = await client.csrf("/accounts/login/");
    const response = await client.post("/accounts/login/", {
      username: "a",
      password: "b",
      csrf_token: csrf,
    });
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain("Something went wrong");
    expect(html).not.toContain("secret internals");
    expect(logger.error).toHaveBeenCalledWith("guest-user: POST /accounts/login/ failed", boom);
    const json = await client.post(
      "/accounts/login/",
      { username: "a", password: "b", csrf_token: csrf },
      { headers: { accept: "application/json" } },
    );
    expect(await json.json()).toEqual({
      error: { code: "INTERNAL_ERROR", message: expect.not.stringContaining("secret") },
    });
  });

  it("answers a raced conversion (NOT_GUEST) in JSON with 409 and a redirect", async () => {
    const { gu, http, client } = setup(await fx.open({ secret: SECRET, tablePrefix: "race_" }));
    const guest = await becomeGuest(client, gu);
    const route = client.routes.find((r) => r.path === "/convert/");
    const request = new Request(`${ORIGIN}/convert/`, {
      method: "POST",
      headers: {
        cookie: [...client.jar].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": "application/json",
        origin: ORIGIN,
      },
      body: JSON.stringify(convertForm("second")),
    });
    const state = await http.resolve(request);
    await gu.convert(guest, convertForm("first")); // another request won meanwhile
    const response = await route?.handler(request, { http, state });
    expect(response?.status).toBe(409);
    expect(await response?.json()).toMatchObject({
      error: { code: "NOT_GUEST" },
      redirect: "/accounts/profile/",
    });
  });

  it("needs fields for the HTML form of a custom convert form, but serves JSON without", async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const base = userCreationForm();
    const gu = await fx.open({
      secret: SECRET,
      logger,
      tablePrefix: "nofields_",
      convertForm: { schema: base.schema, getCredentials: base.getCredentials },
    });
    const client = browser(createGuestUserHttp(gu));
    await becomeGuest(client, gu);
    const html = await client.get("/convert/");
    expect(html.status).toBe(500);
    expect(logger.error.mock.calls[0]?.[1]).toMatchObject({ code: "INVALID_CONFIG" });
    const json = await client.get("/convert/", { headers: { accept: "application/json" } });
    expect((await json.json()).fields).toEqual([]);
  });

  it("falls back to a plain 500 when a replaced template throws", async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const gu = await fx.open({ secret: SECRET, logger, tablePrefix: "tplfail_" });
    const client = browser(createGuestUserHttp(gu), {
      templates: {
        errorPage: () => {
          throw new Error("template bug");
        },
      },
    });
    const response = await client.get("/accounts/logout/");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Internal Server Error");
    expect(logger.error).toHaveBeenLastCalledWith(
      "guest-user: the error page itself failed",
      expect.objectContaining({ message: "template bug" }),
    );
  });

  it("checks its options at once", async () => {
    const http = createGuestUserHttp(await fx.open({ secret: SECRET, tablePrefix: "opts_" }));
    expect(() => accountViews(http, { logoutPath: "//evil/" })).toThrow(/logoutPath/);
    expect(() => accountViews(http, { signupPath: "signup" })).toThrow(/signupPath/);
    expect(() => accountViews(http, { maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
    for (const recentSignInSeconds of [0, 1.5, "600" as unknown as number])
      expect(() => accountViews(http, { recentSignInSeconds })).toThrow(/recentSignInSeconds/);
  });
});
