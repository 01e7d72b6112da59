/**
 * The probe's reproductions of issue 17 (finding 3) against the reference app with
 * `GUEST_USER_CREATE_ON=write`: a copied or planted CSRF cookie never gets another browser's
 * guest. Called inside settings-suite.ts's group, whose app is already running.
 */
import { expect, it } from "vitest";
import { Client, COOKIE, csrfTokenOf, type RunningApp, type UserJson } from "./harness.ts";

const CSRF_COOKIE = `${COOKIE}_csrf`;

/** The page's form POSTed as a browser sends it (token in the body, Sec-Fetch-Site). */
async function firstWrite(client: Client, path: string): Promise<UserJson["user"]> {
  const token = csrfTokenOf(await client.html(path));
  const response = await client.fetch(path, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "same-origin",
    },
    body: new URLSearchParams({ csrf_token: token }).toString(),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as UserJson).user;
}

/** A JSON POST from the same origin, without a token. */
async function tokenlessWrite(client: Client, path: string): Promise<UserJson["user"]> {
  const response = await client.fetch(path, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      origin: client.base,
    },
    body: "{}",
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as UserJson).user;
}

/** A client holding only `seed` as its CSRF cookie. */
function holding(base: string, seed: string): Client {
  const client = new Client(base);
  client.cookies.set(CSRF_COOKIE, seed);
  return client;
}

export function lazyKeyChecks(app: () => RunningApp, path: string): void {
  it("a copied CSRF cookie never gets the guest, with a token derived from it or without one", async () => {
    const victim = new Client(app().url);
    const guest = await firstWrite(victim, path);
    expect(guest?.isGuest).toBe(true);
    const seed = victim.cookies.get(CSRF_COOKIE) ?? "";
    expect((await firstWrite(holding(app().url, seed), path))?.id).not.toBe(guest?.id);
    expect((await tokenlessWrite(holding(app().url, seed), path))?.id).not.toBe(guest?.id);
    expect((await victim.json(path)).user).toEqual(guest);
  });

  it("a planted CSRF cookie, forged or another browser's, never shares a guest", async () => {
    const forged = "f".repeat(32);
    const victim = holding(app().url, forged);
    const guest = await firstWrite(victim, path);
    expect(victim.cookies.get(CSRF_COOKIE)).not.toBe(forged); // replaced, never trusted
    expect((await firstWrite(holding(app().url, forged), path))?.id).not.toBe(guest?.id);

    const attacker = new Client(app().url);
    const own = await firstWrite(attacker, path);
    const planted = attacker.cookies.get(CSRF_COOKIE) ?? "";
    const target = holding(app().url, planted);
    const theirs = await firstWrite(target, path);
    expect(theirs?.id).not.toBe(own?.id);
    expect((await firstWrite(holding(app().url, planted), path))?.id).not.toBe(theirs?.id);
  });
}
