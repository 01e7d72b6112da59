import { expect, it } from "vitest";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  becomeGuest,
  becomeRegistered,
  browser,
  convertForm,
  PASSWORD,
  SECRET,
  SESSION,
  setup,
} from "./client.ts";

describeEachDatabase("CSRF on the views", (fx) => {
  const open = async () => setup(await fx.open({ secret: SECRET }));

  it("refuses a convert POST without, with a forged or with another browser's token", async () => {
    const { client, gu, http } = await open();
    const guest = await becomeGuest(client, gu);
    const token = client.jar.get(SESSION);
    const real = await client.csrf("/convert/");
    const other = browser(http);
    await becomeGuest(other, gu);
    const foreign = await other.csrf("/convert/");
    const forged = [
      undefined,
      "",
      "forged",
      `${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`,
      foreign,
      real.repeat(3),
    ];
    for (const csrf of forged) {
      const form =
        csrf === undefined ? convertForm("stolen") : { ...convertForm("stolen"), csrf_token: csrf };
      const response = await client.post("/convert/", form);
      expect(response.status, String(csrf)).toBe(403);
      const html = await response.text();
      expect(html).toContain("This form has expired");
      expect(html).not.toMatch(/at .*\.ts|Error:/);
    }
    expect(client.jar.get(SESSION)).toBe(token);
    expect(await gu.isGuestUser(guest)).toBe(true);
    expect(await gu.authenticate({ username: "stolen", password: PASSWORD })).toBeNull();
  });

  it("refuses a token from an earlier session of the same browser", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const oldCsrf = await client.csrf("/convert/");
    const second = await becomeGuest(client, gu); // a new session, same CSRF seed cookie
    const response = await client.post("/convert/", {
      ...convertForm("late"),
      csrf_token: oldCsrf,
    });
    expect(response.status).toBe(403);
    expect(await gu.isGuestUser(second)).toBe(true);
  });

  it("refuses a form from before a login (the token is tied to the session)", async () => {
    const { client, gu } = await open();
    await gu.createUser(convertForm("tied"));
    const anonymousCsrf = await client.csrf("/accounts/login/");
    await client.post("/accounts/login/", {
      username: "tied",
      password: PASSWORD,
      csrf_token: anonymousCsrf,
    });
    const token = client.jar.get(SESSION);
    expect(token).toBeTruthy();
    const response = await client.post("/accounts/logout/", { csrf_token: anonymousCsrf });
    expect(response.status).toBe(403);
    expect(await gu.validateSession(token)).not.toBeNull();
  });

  it("refuses login, logout and signup POSTs without a token", async () => {
    const { client, gu } = await open();
    await gu.createUser(convertForm("target"));
    const login = await client.post("/accounts/login/", { username: "target", password: PASSWORD });
    expect(login.status).toBe(403);
    expect(client.jar.has(SESSION)).toBe(false);
    const signup = await client.post("/accounts/signup/", convertForm("forced"));
    expect(signup.status).toBe(403);
    expect(await gu.authenticate({ username: "forced", password: PASSWORD })).toBeNull();
    await becomeRegistered(client, gu, "staying");
    const token = client.jar.get(SESSION);
    const logout = await client.post("/accounts/logout/", {});
    expect(logout.status).toBe(403);
    expect(await gu.validateSession(token)).not.toBeNull();
  });

  it("accepts the token in an X-CSRF-Token header", async () => {
    const { client, gu } = await open();
    await becomeRegistered(client, gu, "header");
    const csrf = await client.csrf("/accounts/login/");
    const response = await client.post(
      "/accounts/logout/",
      {},
      { headers: { "x-csrf-token": csrf } },
    );
    expect(response.status).toBe(302);
  });

  it("answers a CSRF failure in JSON for JSON clients", async () => {
    const { client, gu } = await open();
    await becomeGuest(client, gu);
    const response = await client.post("/convert/", convertForm("jsonish"), {
      headers: { accept: "application/json" },
    });
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body.error.code).toBe("CSRF_FAILED");
    expect(body.error.message).toMatch(/csrf_token/);
  });
});
