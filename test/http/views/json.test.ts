import { expect, it } from "vitest";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  becomeGuest,
  becomeRegistered,
  convertForm,
  ORIGIN,
  PASSWORD,
  SECRET,
  SESSION,
  setup,
} from "./client.ts";

const ACCEPT_JSON = { accept: "application/json" };
const SAME_ORIGIN = { origin: ORIGIN };

describeEachDatabase("JSON mode of the views", (fx) => {
  const open = async () => setup(await fx.open({ secret: SECRET }));

  it("answers GET with the user, a CSRF token and the fields", async () => {
    const { client, gu } = await open();
    const login = await client.get("/accounts/login/", { headers: ACCEPT_JSON });
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toMatch(/^application\/json/);
    const anonymous = await login.json();
    expect(anonymous).toEqual({
      user: null,
      csrfToken: expect.stringMatching(/^[\w-]+$/),
      fields: [
        expect.objectContaining({ name: "username", type: "text" }),
        expect.objectContaining({ name: "password", type: "password" }),
      ],
    });
    const guest = await becomeGuest(client, gu);
    const convert = await (await client.get("/convert/", { headers: ACCEPT_JSON })).json();
    expect(convert.user).toEqual({
      id: guest.id,
      username: guest.username,
      isGuest: true,
      expiresAt: new Date((await gu.expiresAt(guest.id)) as number).toISOString(),
    });
    expect(convert.fields.map((field: { name: string }) => field.name)).toEqual([
      "username",
      "password1",
      "password2",
    ]);
  });

  it("answers refusals with 401/403 and a redirect instead of a 302", async () => {
    const { client, gu } = await open();
    const anonymous = await client.get("/convert/", { headers: ACCEPT_JSON });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: { code: "NOT_AUTHENTICATED", message: expect.any(String) },
      redirect: "/accounts/login/",
      user: null,
    });
    const user = await becomeRegistered(client, gu, "registered");
    const registered = await client.postJson("/convert/", convertForm("x"), {
      headers: SAME_ORIGIN,
    });
    expect(registered.status).toBe(403);
    expect(await registered.json()).toMatchObject({
      redirect: "/accounts/profile/",
      user: { id: user.id, isGuest: false },
    });
    const signup = await client.get("/accounts/signup/", { headers: ACCEPT_JSON });
    expect(signup.status).toBe(403);
    expect((await signup.json()).error.code).toBe("ALREADY_REGISTERED");
  });

  it("converts on a same-origin JSON POST (Origin or Sec-Fetch-Site) and sets the cookie", async () => {
    const { client, gu } = await open();
    for (const [username, headers] of [
      ["by_origin", SAME_ORIGIN],
      ["by_fetch_site", { "sec-fetch-site": "same-origin" }],
    ] as const) {
      const guest = await becomeGuest(client, gu);
      const oldToken = client.jar.get(SESSION);
      const response = await client.postJson(
        "/convert/?next=/ignored/",
        { ...convertForm(username), next: "/dashboard/" },
        { headers },
      );
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toEqual({
        user: { id: guest.id, username, isGuest: false },
        redirect: "/dashboard/",
      });
      expect(client.jar.get(SESSION)).not.toBe(oldToken);
      expect(await gu.validateSession(client.jar.get(SESSION))).not.toBeNull();
    }
  });

  it("refuses a cross-origin or origin-less JSON POST without a token, changing nothing", async () => {
    const { client, gu } = await open();
    const guest = await becomeGuest(client, gu);
    for (const headers of [
      { origin: "https://evil.com" },
      { origin: "http://localhost:8080" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site", origin: ORIGIN },
      { "sec-fetch-site": "same-site" },
      {},
    ] as Record<string, string>[]) {
      const response = await client.postJson("/convert/", convertForm("hijacked"), { headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error.code).toBe("CSRF_FAILED");
    }
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("accepts a cross-origin JSON POST carrying the csrfToken it was given", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const { csrfToken } = await (await client.get("/convert/", { headers: ACCEPT_JSON })).json();
    const response = await client.postJson("/convert/", {
      ...convertForm("tokened"),
      csrf_token: csrfToken,
    });
    expect(response.status).toBe(200);
  });

  it("answers invalid input with 400 { errors } per field", async () => {
    const { client, gu } = await open();
    const guest = await becomeGuest(client, gu);
    const response = await client.postJson(
      "/convert/",
      { username: "bad name", password1: "123", password2: "456" },
      { headers: SAME_ORIGIN },
    );
    expect(response.status).toBe(400);
    const { errors } = await response.json();
    expect(Object.keys(errors).sort()).toEqual(["password2", "username"]);
    expect(errors.username[0]).toMatch(/valid username/);
    expect(await gu.isGuestUser(guest)).toBe(true);

    const login = await client.postJson(
      "/accounts/login/",
      { username: "nobody", password: PASSWORD },
      { headers: SAME_ORIGIN },
    );
    expect(login.status).toBe(400);
    expect(await login.json()).toEqual({
      errors: { "": ["Please enter a correct username and password."] },
    });
  });

  it("answers a form POST with Accept: application/json in JSON", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const { csrfToken } = await (await client.get("/convert/", { headers: ACCEPT_JSON })).json();
    const response = await client.post(
      "/convert/",
      { ...convertForm("formjson"), csrf_token: csrfToken },
      { headers: ACCEPT_JSON },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ redirect: "/convert/success/" });
  });

  it("returns the new token to a bearer client, which needs no CSRF proof", async () => {
    const { client, gu } = await open();
    const { user, session } = await gu.createGuestSession();
    const auth = { authorization: `Bearer ${session.token}` };
    const form = await (
      await client.get("/convert/", { headers: { ...auth, ...ACCEPT_JSON } })
    ).json();
    expect(form.user).toMatchObject({ id: user.id, isGuest: true });
    const response = await client.postJson("/convert/", convertForm("mobile"), { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=`))).toBe(false);
    const body = await response.json();
    expect(body).toMatchObject({
      user: { id: user.id, username: "mobile", isGuest: false },
      redirect: "/convert/success/",
      token: expect.any(String),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(body.token).not.toBe(session.token);
    expect(await gu.validateSession(session.token)).toBeNull();
    const renewed = await gu.validateSession(body.token);
    expect(renewed?.user.id).toBe(user.id);
    expect(new Date(renewed?.session.expiresAt ?? 0).toISOString()).toBe(body.expiresAt);

    const success = await client.get("/convert/success/", {
      headers: { authorization: `Bearer ${body.token}`, ...ACCEPT_JSON },
    });
    expect(await success.json()).toEqual({
      user: { id: user.id, username: "mobile", isGuest: false },
    });

    const logout = await client.postJson(
      "/accounts/logout/",
      {},
      {
        headers: { authorization: `Bearer ${body.token}` },
      },
    );
    expect(await logout.json()).toEqual({ user: null, redirect: "/accounts/login/" });
    expect(await gu.validateSession(body.token)).toBeNull();
  });

  it("logs a bearer guest in to an account and returns the new token", async () => {
    const { client, gu } = await open();
    const account = await gu.createUser(convertForm("phone_owner"));
    const { session } = await gu.createGuestSession();
    const response = await client.postJson(
      "/accounts/login/",
      { username: "phone_owner", password: PASSWORD },
      { headers: { authorization: `Bearer ${session.token}` } },
    );
    const body = await response.json();
    expect(body).toMatchObject({ user: { id: account.id }, token: expect.any(String) });
    expect((await gu.validateSession(body.token))?.user.id).toBe(account.id);
  });

  it("signs up over JSON, and sends a JSON guest to convert", async () => {
    const { client, gu } = await open();
    const created = await client.postJson("/accounts/signup/", convertForm("jsonsignup"), {
      headers: SAME_ORIGIN,
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      user: { username: "jsonsignup", isGuest: false },
      redirect: "/accounts/profile/",
    });
    client.jar.clear();
    await becomeGuest(client, gu);
    const guest = await client.get("/accounts/signup/?next=/x/", { headers: ACCEPT_JSON });
    expect(guest.status).toBe(403);
    expect(await guest.json()).toMatchObject({
      error: { code: "CONVERT_REQUIRED" },
      redirect: "/convert/?next=/x/",
    });
  });

  it("answers 405 in JSON with Allow", async () => {
    const { client } = await open();
    const response = await client.get("/accounts/logout/", { headers: ACCEPT_JSON });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect((await response.json()).error.code).toBe("METHOD_NOT_ALLOWED");
  });
});
