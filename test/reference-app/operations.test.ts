/**
 * The reference app's operations contract (issue 7), from the outside: a real app process
 * per adapter with GUEST_USER_ADMIN_USERS, GUEST_USER_OIDC_* (a real local OpenID Connect
 * server) and GUEST_USER_TERMS_VERSION; the account page is always mounted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAPTERS } from "../../examples/reference-app/config.ts";
import { cli } from "../cli/support.ts";
import { CLIENT_ID, CLIENT_SECRET, type MockIssuer, startIssuer } from "../http/oauth/support.ts";
import {
  assertBuilt,
  Client,
  guestClient,
  PASSWORD,
  type RunningApp,
  startApp,
  uniqueName,
} from "./harness.ts";

const ADMIN = "ada";
/** The other name GUEST_USER_ADMIN_USERS lists: claimed through OpenID Connect below. */
const CLAIMED = "someone-else";

/** Signs up through the HTML form, accepting the terms the form asks for. */
async function signUp(base: string, username = uniqueName()) {
  const client = new Client(base);
  const response = await client.submit("/accounts/signup/", {
    username,
    password1: PASSWORD,
    password2: PASSWORD,
    accept_terms: "on",
  });
  expect(response.status, await response.clone().text()).toBe(302);
  return client;
}

describe.each(ADAPTERS)("the reference app's operations on %s", (adapter) => {
  let issuer: MockIssuer;
  let app: RunningApp;
  let dir: string;
  let database: string;
  const env = (version: string) => ({
    ADAPTER: adapter,
    DATABASE_URL: database,
    GUEST_USER_ADMIN_USERS: `${ADMIN.toUpperCase()}, ${CLAIMED}`,
    GUEST_USER_OIDC_ISSUER: issuer.url,
    GUEST_USER_OIDC_CLIENT_ID: CLIENT_ID,
    GUEST_USER_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    GUEST_USER_TERMS_VERSION: version,
  });

  beforeAll(async () => {
    assertBuilt();
    issuer = await startIssuer();
    dir = mkdtempSync(join(tmpdir(), "guest-user-reference-ops-"));
    database = `sqlite:${join(dir, "app.sqlite3")}`;
    app = await startApp(env("2026-11"));
  }, 60_000);

  afterAll(async () => {
    await app?.process.stop();
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says what is on at start", () => {
    expect(app.process.stdout).toContain("terms=2026-11 admin=staff+2 oidc=on");
  });

  it("mounts the admin for the named users only", async () => {
    const anonymous = await new Client(app.url).fetch("/admin/guests/");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/accounts/login/?next=/admin/guests/");
    const { client: guest } = await guestClient(app.url);
    expect((await guest.fetch("/admin/guests/")).status).toBe(403);
    expect((await (await signUp(app.url)).fetch("/admin/guests/")).status).toBe(403);

    const admin = await signUp(app.url, ADMIN);
    const list = await admin.fetch("/admin/guests/?limit=1", {
      headers: { accept: "application/json" },
    });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { guests: Record<string, unknown>[]; next: unknown };
    expect(Object.keys(body).sort()).toEqual(["guests", "next"]);
    expect(Object.keys(body.guests[0] ?? {})).toEqual(
      expect.arrayContaining(["id", "username", "createdAt", "lastSeenAt", "expired"]),
    );
    const funnel = await admin.fetch("/admin/guests/funnel/", {
      headers: { accept: "application/json" },
    });
    const days = ((await funnel.json()) as { days: Record<string, unknown>[] }).days;
    expect(days.at(-1)).toMatchObject({ created: expect.any(Number) });
    expect(Object.keys(days.at(-1) ?? {})).toEqual(
      expect.arrayContaining(["day", "created", "converted", "merged", "deleted"]),
    );
  });

  it("never admits a listed name taken through OpenID Connect; staff granted by the CLI get in", async () => {
    // Probe finding 4: a visitor signs in with preferred_username = a listed admin name.
    const client = new Client(app.url);
    issuer.claims = { sub: uniqueName("sub"), preferred_username: CLAIMED };
    const start = await client.fetch("/accounts/oauth/oidc/start/?next=/");
    const approved = await fetch(new URL(start.headers.get("location") ?? ""), {
      redirect: "manual",
    });
    const callback = new URL(approved.headers.get("location") ?? "");
    expect((await client.fetch(`${callback.pathname}${callback.search}`)).status).toBe(302);
    expect(await client.whoami()).toMatchObject({ username: CLAIMED, isGuest: false });
    expect((await client.fetch("/admin/guests/")).status).toBe(403);

    // The operator's way: the staff flag, set from the command line on the app's database.
    const granted = await cli(["staff", "grant", CLAIMED.toUpperCase(), "--database", database]);
    expect(granted).toMatchObject({
      code: 0,
      stdout: `"${CLAIMED}" is now staff: they may use the guest admin.\n`,
    });
    expect((await client.fetch("/admin/guests/")).status).toBe(200);
    expect((await cli(["staff", "revoke", CLAIMED, "--database", database])).code).toBe(0);
    expect((await client.fetch("/admin/guests/")).status).toBe(403);
  });

  it("converts a guest through the oidc provider, keeping its id", async () => {
    const { client, user } = await guestClient(app.url);
    issuer.claims = { sub: uniqueName("sub"), email: "rufus@example.com" };
    const start = await client.fetch("/accounts/oauth/oidc/start/?next=/allow_guest_user/");
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location") ?? "");
    expect(authorize.origin).toBe(issuer.url);
    expect(authorize.searchParams.get("redirect_uri")).toBe(
      `${app.url}/accounts/oauth/oidc/callback/`,
    );
    const approved = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(approved.headers.get("location") ?? "");
    expect(callback.pathname).toBe("/accounts/oauth/oidc/callback/");
    const back = await client.fetch(`${callback.pathname}${callback.search}`);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/allow_guest_user/");
    expect(await client.whoami()).toMatchObject({ id: user.id, isGuest: false });
  });

  it("sends registered users to accept a new terms version on /terms_required/; guests pass", async () => {
    const before = await signUp(app.url);
    expect((await before.fetch("/terms_required/")).status).toBe(200);
    const { client: guestBefore } = await guestClient(app.url);
    expect((await guestBefore.fetch("/terms_required/")).status).toBe(200);

    // The same database, a new terms version: the registered user is asked again.
    await app.process.stop();
    app = await startApp(env("2027-01"));
    const [registered, guest] = [before, guestBefore].map((old) => {
      const moved = new Client(app.url);
      for (const [name, value] of old.cookies) moved.cookies.set(name, value);
      return moved;
    }) as [Client, Client];
    const asked = await registered.fetch("/terms_required/");
    expect(asked.status).toBe(302);
    expect(asked.headers.get("location")).toBe("/accounts/terms/?next=/terms_required/");
    expect((await guest.fetch("/terms_required/")).status).toBe(200);
    const accepted = await registered.submit("/accounts/terms/?next=/terms_required/", {
      accept_terms: "on",
      next: "/terms_required/",
    });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/terms_required/");
    expect((await registered.fetch("/terms_required/")).status).toBe(200);
  }, 60_000);

  it("always mounts the account page", async () => {
    const { client } = await guestClient(app.url);
    const profile = await client.html("/accounts/profile/");
    expect(profile).toContain("/convert/");
  });
});
