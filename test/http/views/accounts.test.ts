import { expect, it } from "vitest";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  becomeGuest,
  becomeRegistered,
  convertForm,
  csrfOf,
  PASSWORD,
  SECRET,
  SESSION,
  setup,
} from "./client.ts";

describeEachDatabase("login, logout and signup views", (fx) => {
  const open = async (options = {}) => setup(await fx.open({ secret: SECRET, ...options }));

  it("logs a user in with a new session and redirects to LOGIN_REDIRECT_URL", async () => {
    const { client, gu } = await open();
    const user = await gu.createUser(convertForm("ada"));
    const form = await client.get("/accounts/login/");
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('autocomplete="current-password"');
    const response = await client.post("/accounts/login/", {
      username: "ada",
      password: PASSWORD,
      csrf_token: csrfOf(html),
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/accounts/profile/");
    const session = await gu.validateSession(client.jar.get(SESSION));
    expect(session?.user).toMatchObject({ id: user.id, isGuest: false });
    // The name is trimmed, as at sign-up.
    const again = await client.post("/accounts/login/", {
      username: "  ada ",
      password: PASSWORD,
      csrf_token: await client.csrf("/accounts/login/"),
    });
    expect(again.headers.get("location")).toBe("/accounts/profile/");
  });

  it("honours a safe next on login and ignores an unsafe one", async () => {
    const { client, gu } = await open();
    await gu.createUser(convertForm("nextuser"));
    const html = await (await client.get("/accounts/login/?next=/orders/%3Fpage%3D2")).text();
    expect(html).toContain('name="next" value="/orders/?page=2"');
    const ok = await client.post("/accounts/login/", {
      username: "nextuser",
      password: PASSWORD,
      csrf_token: csrfOf(html),
      next: "/orders/?page=2",
    });
    expect(ok.headers.get("location")).toBe("/orders/?page=2");
    const csrf = await client.csrf("/accounts/login/");
    const bad = await client.post("/accounts/login/?next=/fine/", {
      username: "nextuser",
      password: PASSWORD,
      csrf_token: csrf,
      next: "//evil.com/",
    });
    expect(bad.headers.get("location")).toBe("/accounts/profile/");
  });

  it("refuses wrong credentials with the form and a generic message, changing nothing", async () => {
    const { client, gu } = await open();
    await gu.createUser(convertForm("carol"));
    const csrf = await client.csrf("/accounts/login/");
    for (const [username, password] of [
      ["carol", "wrong-password"],
      ["nobody", PASSWORD],
    ]) {
      const response = await client.post("/accounts/login/", {
        username: username as string,
        password: password as string,
        csrf_token: csrf,
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain("Please enter a correct username and password.");
      expect(html).toContain(`value="${username}"`);
      expect(html).not.toContain(password as string);
      expect(client.jar.has(SESSION)).toBe(false);
    }
    const missing = await client.post("/accounts/login/", { username: "", csrf_token: csrf });
    expect(await missing.text()).toContain("This field is required.");
  });

  it("never logs a guest in by name", async () => {
    const { client, gu } = await open();
    await gu.createGuestUser({ username: "public_guest" });
    const csrf = await client.csrf("/accounts/login/");
    const response = await client.post("/accounts/login/", {
      username: "public_guest",
      password: "x",
      csrf_token: csrf,
    });
    expect(response.status).toBe(200);
    expect(client.jar.has(SESSION)).toBe(false);
  });

  it("lets a guest log in to an existing account: the user simply switches", async () => {
    const { client, gu } = await open();
    const account = await gu.createUser(convertForm("existing"));
    const guest = await becomeGuest(client, gu);
    const guestToken = client.jar.get(SESSION);
    const csrf = await client.csrf("/accounts/login/");
    const response = await client.post("/accounts/login/", {
      username: "existing",
      password: PASSWORD,
      csrf_token: csrf,
    });
    expect(response.status).toBe(302);
    expect(await gu.validateSession(guestToken)).toBeNull();
    const session = await gu.validateSession(client.jar.get(SESSION));
    expect(session?.user.id).toBe(account.id);
    // The guest row stays (no merge yet); the clean-up deletes it when it expires.
    expect(await gu.isGuestUser(guest)).toBe(true);
  });

  it("logs out on POST with CSRF, clears the cookie and redirects; GET is 405", async () => {
    const { client, gu } = await open();
    await becomeRegistered(client, gu, "leaving");
    const token = client.jar.get(SESSION);
    const get = await client.get("/accounts/logout/");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await gu.validateSession(token)).not.toBeNull();
    const csrf = await client.csrf("/accounts/login/");
    const response = await client.post("/accounts/logout/", { csrf_token: csrf, next: "/bye/" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/bye/");
    expect(client.jar.has(SESSION)).toBe(false);
    expect(await gu.validateSession(token)).toBeNull();
    const plain = await client.post("/accounts/logout/", {
      csrf_token: await client.csrf("/accounts/login/"),
    });
    expect(plain.headers.get("location")).toBe("/accounts/login/");
  });

  it("signs up an anonymous visitor, logs them in and redirects", async () => {
    const { client, gu } = await open();
    const html = await (await client.get("/accounts/signup/")).text();
    expect(html).toContain('name="password2"');
    const response = await client.post("/accounts/signup/", {
      ...convertForm("newbie"),
      csrf_token: csrfOf(html),
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/accounts/profile/");
    const session = await gu.validateSession(client.jar.get(SESSION));
    expect(session?.user).toMatchObject({ username: "newbie", isGuest: false });
  });

  it("shows signup errors without echoing passwords, and refuses a taken name", async () => {
    const { client, gu } = await open();
    await gu.createUser(convertForm("dupe"));
    const csrf = await client.csrf("/accounts/signup/");
    const mismatch = await client.post("/accounts/signup/", {
      username: "fresh",
      password1: PASSWORD,
      password2: `${PASSWORD}x`,
      csrf_token: csrf,
    });
    expect(mismatch.status).toBe(200);
    const html = await mismatch.text();
    expect(html).toMatch(/didn.t match/);
    expect(html).not.toContain(PASSWORD);
    const taken = await client.post("/accounts/signup/", {
      ...convertForm("dupe"),
      csrf_token: csrf,
    });
    expect(await taken.text()).toContain("already exists");
    expect(client.jar.has(SESSION)).toBe(false);
  });

  it("sends a guest from signup to the convert view, keeping next", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const response = await client.get("/accounts/signup/?next=/cart/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/convert/?next=/cart/");
    const post = await client.post("/accounts/signup/", convertForm("sneaky"));
    expect(post.headers.get("location")).toBe("/convert/");
    expect(await gu.authenticate({ username: "sneaky", password: PASSWORD })).toBeNull();
  });

  it("sends a registered visitor from signup to LOGIN_REDIRECT_URL", async () => {
    const { client, gu } = await open();
    await becomeRegistered(client, gu, "already");
    const response = await client.get("/accounts/signup/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/accounts/profile/");
  });

  it("mounts logout and signup at configured paths", async () => {
    const { client } = await open({ tablePrefix: "paths_" });
    expect(client.routes.map((route) => route.path)).toContain("/accounts/signup/");
    const custom = setup(await fx.open({ secret: SECRET, tablePrefix: "paths2_" }), {
      logoutPath: "/bye/",
      signupPath: "/register/",
      guestPath: "/api/guest/",
      profilePath: "/me/",
      deletePath: "/me/delete/",
      continuePath: "/me/continue/",
      exportPath: "/me/data/",
    }).client;
    expect(custom.routes.map((route) => route.path).slice(3)).toEqual([
      "/bye/",
      "/register/",
      "/api/guest/",
      "/me/",
      "/me/delete/",
      "/me/continue/",
      "/me/data/",
    ]);
    expect((await custom.get("/me/")).status).toBe(302);
    expect((await custom.get("/register/")).status).toBe(200);
    expect(await (await custom.get("/accounts/login/")).text()).toContain('href="/register/"');
  });
});
