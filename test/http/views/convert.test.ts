import { expect, it } from "vitest";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  becomeGuest,
  becomeRegistered,
  convertForm,
  csrfOf,
  ORIGIN,
  PASSWORD,
  SECRET,
  SESSION,
  setup,
} from "./client.ts";

describeEachDatabase("convert view (SPEC 5)", (fx) => {
  const open = async (options = {}) => setup(await fx.open({ secret: SECRET, ...options }));

  it("sends an anonymous visitor to LOGIN_URL on GET and POST, creating nothing", async () => {
    const { client, gu } = await open();
    for (const response of [
      await client.get("/convert/"),
      await client.post("/convert/", convertForm("anon")),
    ]) {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/accounts/login/");
    }
    expect(await gu.authenticate({ username: "anon", password: PASSWORD })).toBeNull();
  });

  it("sends a registered user to LOGIN_REDIRECT_URL on GET and POST, changing nothing", async () => {
    const { client, gu } = await open();
    const user = await becomeRegistered(client, gu, "reggie");
    const token = client.jar.get(SESSION);
    for (const response of [
      await client.get("/convert/"),
      await client.post("/convert/", convertForm("renamed")),
    ]) {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/accounts/profile/");
    }
    expect(client.jar.get(SESSION)).toBe(token);
    expect(await gu.getUser(user.id)).toMatchObject({ username: "reggie" });
  });

  it("shows a guest the form with a CSRF token, the username empty by default", async () => {
    const { client, gu } = await open();
    const guest = await becomeGuest(client, gu);
    const response = await client.get("/convert/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(csrfOf(html)).toMatch(/^[\w-]{20,}$/);
    expect(html).toContain('name="username"');
    expect(html).toContain('autocomplete="new-password"');
    expect(html).not.toContain(`value="${guest.username}"`);
    expect(html).toContain("(guest)");
    expect(client.jar.has(`${SESSION}_csrf`)).toBe(true);
  });

  it("pre-fills the guest's name with convertPrefillUsername", async () => {
    const { client, gu } = await open({ convertPrefillUsername: true, tablePrefix: "prefill_" });
    const guest = await becomeGuest(client, gu, "Guest0588");
    expect(await (await client.get("/convert/")).text()).toContain('value="Guest0588"');
    expect(guest.username).toBe("Guest0588");
  });

  it("converts the SAME user on a valid POST, with a fresh session, and redirects", async () => {
    const { client, gu } = await open();
    const guest = await becomeGuest(client, gu);
    const converted: unknown[] = [];
    gu.on("converted", ({ user }) => {
      converted.push(user.id);
    });
    const oldToken = client.jar.get(SESSION);
    const csrf = await client.csrf("/convert/");
    const response = await client.post("/convert/", { ...convertForm("grace"), csrf_token: csrf });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/convert/success/");
    const newToken = client.jar.get(SESSION);
    expect(newToken).toBeTruthy();
    expect(newToken).not.toBe(oldToken);
    expect(await gu.validateSession(oldToken)).toBeNull();
    const current = await gu.validateSession(newToken);
    expect(current?.user).toMatchObject({ id: guest.id, username: "grace", isGuest: false });
    expect(await gu.isGuestUser(guest)).toBe(false);
    expect(converted).toEqual([guest.id]);
    expect(await gu.authenticate({ username: "grace", password: PASSWORD })).toMatchObject({
      id: guest.id,
    });

    const success = await client.get("/convert/success/");
    expect(success.status).toBe(200);
    const html = await success.text();
    expect(html).toContain("<strong>grace</strong>");
    expect(html).not.toContain("(guest)");
    // Now registered: the convert view sends them on.
    expect((await client.get("/convert/")).headers.get("location")).toBe("/accounts/profile/");
  });

  it("answers an invalid POST with the form and its errors, changing nothing", async () => {
    const { client, gu } = await open();
    const guest = await becomeGuest(client, gu);
    const token = client.jar.get(SESSION);
    const csrf = await client.csrf("/convert/");
    const response = await client.post("/convert/", {
      username: "bob",
      password1: "short1!",
      password2: "short1!",
      csrf_token: csrf,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/too short/);
    expect(html).toContain('value="bob"');
    expect(html).not.toContain("short1!");
    expect(html).toContain('aria-invalid="true"');
    expect(client.jar.get(SESSION)).toBe(token);
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect(await gu.getUser(guest.id)).toMatchObject({ username: guest.username });
    // The tokens still work, the page's and the re-rendered form's: the session did not change.
    for (const csrf_token of [csrf, csrfOf(html)]) {
      const again = await client.post("/convert/", { username: "bob", csrf_token });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('aria-invalid="true"');
    }
  });

  it("refuses a taken username with a field error", async () => {
    const { client, gu } = await open();
    await gu.createUser(convertForm("taken"));
    const guest = await becomeGuest(client, gu);
    const csrf = await client.csrf("/convert/");
    const response = await client.post("/convert/", { ...convertForm("taken"), csrf_token: csrf });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("A user with that username already exists.");
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("honours a safe next from the POST field, else from the query", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const form = await (await client.get("/convert/?next=/cart/%3Fstep%3D2")).text();
    expect(form).toContain('name="next" value="/cart/?step=2"');
    const viaField = await client.post("/convert/", {
      ...convertForm("nora"),
      csrf_token: csrfOf(form),
      next: "/a/?b=1",
    });
    expect(viaField.headers.get("location")).toBe("/a/?b=1");

    await becomeGuest(client, gu);
    const csrf = await client.csrf("/convert/");
    const viaQuery = await client.post("/convert/?next=/cart%23x", {
      ...convertForm("otto"),
      csrf_token: csrf,
    });
    expect(viaQuery.headers.get("location")).toBe("/cart#x");
  });

  it("ignores an unsafe next: the hidden input is left out and the default is used", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const form = await (await client.get("/convert/?next=//evil.com")).text();
    expect(form).not.toContain('name="next"');
    const response = await client.post("/convert/", {
      ...convertForm("vera"),
      csrf_token: csrfOf(form),
      next: "https://evil.com/",
    });
    expect(response.headers.get("location")).toBe("/convert/success/");
  });

  it("redirects the loser of two racing conversions to LOGIN_REDIRECT_URL (NOT_GUEST)", async () => {
    const { client, gu, http } = await open();
    const guest = await becomeGuest(client, gu);
    const csrf = await client.csrf("/convert/");
    const route = client.routes.find((r) => r.path === "/convert/");
    const make = (username: string) =>
      new Request(`${ORIGIN}/convert/`, {
        method: "POST",
        headers: {
          cookie: [...client.jar].map(([k, v]) => `${k}=${v}`).join("; "),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ ...convertForm(username), csrf_token: csrf }),
      });
    const first = make("winner");
    const second = make("loser");
    // Both requests are resolved (as the guest) before either converts.
    const [stateA, stateB] = [await http.resolve(first), await http.resolve(second)];
    const a = await route?.handler(first, { http, state: stateA });
    const b = await route?.handler(second, { http, state: stateB });
    expect(a?.headers.get("location")).toBe("/convert/success/");
    expect(b?.status).toBe(302);
    expect(b?.headers.get("location")).toBe("/accounts/profile/");
    expect(await gu.getUser(guest.id)).toMatchObject({ username: "winner", isGuest: false });
  });

  it("sends visitors of the success page who are not registered elsewhere", async () => {
    const { client, gu } = await open();
    expect((await client.get("/convert/success/")).headers.get("location")).toBe(
      "/accounts/login/",
    );
    await becomeGuest(client, gu);
    expect((await client.get("/convert/success/")).headers.get("location")).toBe("/convert/");
  });

  it("mounts at the configured URLs", async () => {
    const { client, gu } = await open({
      convertUrl: "/join/",
      convertRedirectUrl: "https://example.com/welcome/",
      loginUrl: "/signin/",
      tablePrefix: "urls_",
    });
    expect(client.routes.map((route) => route.path)).toEqual([
      "/join/",
      "/welcome/",
      "/signin/",
      "/accounts/logout/",
      "/accounts/signup/",
      "/accounts/guest/",
      "/accounts/profile/",
      "/accounts/delete/",
      "/accounts/continue/",
      "/accounts/export/",
    ]);
    expect((await client.get("/join/")).headers.get("location")).toBe("/signin/");
    await becomeGuest(client, gu);
    const csrf = await client.csrf("/join/");
    const response = await client.post("/join/", { ...convertForm("mounted"), csrf_token: csrf });
    expect(response.headers.get("location")).toBe("https://example.com/welcome/");
  });
});
