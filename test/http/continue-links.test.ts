/**
 * Continue on another device, over real HTTP on Express, Hono and Fastify (SQLite, PostgreSQL,
 * MariaDB): a one-time link moves a guest to a second client once (same user, its own cookie,
 * the first client still signed in); a second use, an expired link, a link after log-out (or
 * log-out everywhere, or a conversion) answers 410 LINK_EXPIRED; two parallel confirms never
 * both succeed; confirming is throttled; the account page shows the link and its QR code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GuestUsers } from "../../src/index.ts";
import { FRAMEWORKS, type RunningApp, SESSION, startApp } from "../adapters/frameworks.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const SECRET = "c".repeat(40);
const TTL = 120;

/** A client with its own cookie jar (one device). */
function device(base: string) {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  return {
    jar,
    async get(path: string, json = false) {
      const headers: Record<string, string> = { cookie: cookie() };
      if (json) headers.accept = "application/json";
      return keep(await fetch(new URL(path, base), { headers, redirect: "manual" }));
    },
    /** A same-origin JSON POST (its CSRF proof is the Origin header). */
    async json(path: string, body: unknown = {}) {
      const headers = {
        cookie: cookie(),
        origin: base,
        "content-type": "application/json",
        accept: "application/json",
      };
      const init = { method: "POST", headers, body: JSON.stringify(body), redirect: "manual" };
      return keep(await fetch(new URL(path, base), init as RequestInit));
    },
    /** An HTML form POST (its CSRF proof is the form's csrf_token). */
    async form(path: string, fields: Record<string, string>) {
      const headers = { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" };
      const body = new URLSearchParams(fields).toString();
      return keep(
        await fetch(new URL(path, base), { method: "POST", headers, body, redirect: "manual" }),
      );
    },
  };
}
type Device = ReturnType<typeof device>;

const csrfOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";
const tokenOf = (url: string) => new URL(url).searchParams.get("token") ?? "";

async function idOf(client: Device): Promise<unknown> {
  const response = await client.get("/accounts/profile/", true);
  if (response.status !== 200) return null;
  return ((await response.json()) as { user: { id: unknown } }).user.id;
}

/** A new guest on a new device. */
async function newGuest(base: string): Promise<{ client: Device; id: unknown }> {
  const client = device(base);
  const response = await client.json("/accounts/guest/");
  expect(response.status).toBe(200);
  return { client, id: ((await response.json()) as { user: { id: unknown } }).user.id };
}

async function linkOf(client: Device): Promise<{ url: string; expiresAt: string }> {
  const response = await client.json("/accounts/continue/");
  expect(response.status).toBe(200);
  return (await response.json()) as { url: string; expiresAt: string };
}

/** Opens the link on `client` and confirms with the page's CSRF token: the POST's answer. */
async function confirmOn(client: Device, url: string): Promise<Response> {
  const page = await client.get(url);
  if (page.status !== 200) return page;
  const html = await page.text();
  return client.form("/accounts/continue/", { csrf_token: csrfOf(html), token: tokenOf(url) });
}

async function expectGone(response: Response) {
  expect(response.status).toBe(410);
  if (response.headers.get("content-type")?.includes("json")) {
    const { error } = (await response.json()) as { error: { code: string } };
    expect(error.code).toBe("LINK_EXPIRED");
  } else {
    expect(await response.text()).toContain("expired or was already used");
  }
}

describeEachDatabase("continue on another device over real HTTP", (fx) => {
  describe.each(FRAMEWORKS)("%s", (framework) => {
    const clock = testClock(Date.now());
    let gu: GuestUsers;
    let app: RunningApp;
    beforeAll(async () => {
      gu = await fx.open({
        secret: SECRET,
        tablePrefix: `c_${framework}_`,
        clock: clock.now,
        continueLinkTtlSeconds: TTL,
        loginLimit: { max: 4, windowSeconds: 600 },
      });
      app = await startApp(framework, gu);
    });
    afterAll(() => app?.close());

    it("moves the guest to a second client once; the first keeps its session", async () => {
      const first = await newGuest(app.url);
      const link = await linkOf(first.client);
      expect(link.url).toMatch(new RegExp(`^${app.url}/accounts/continue/\\?token=`));
      expect(Date.parse(link.expiresAt) - clock.now()).toBe(TTL * 1000);

      const second = device(app.url);
      const page = await second.get(link.url);
      expect(page.status).toBe(200);
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await page.text();
      expect(html).toContain("Continue on this device?");
      const confirmed = await second.form("/accounts/continue/", {
        csrf_token: csrfOf(html),
        token: tokenOf(link.url),
      });
      expect(confirmed.status).toBe(302);
      const line = confirmed.headers.getSetCookie().find((l) => l.startsWith(`${SESSION}=`));
      expect(line).toMatch(/HttpOnly/i);
      expect(line).toMatch(/SameSite=Lax/i);
      expect(second.jar.get(SESSION)).not.toBe(first.client.jar.get(SESSION));
      expect(await idOf(second)).toEqual(first.id);
      expect(await idOf(first.client)).toEqual(first.id);

      // A second use, on any client: 410, nothing signed in.
      const third = device(app.url);
      await expectGone(await third.get(link.url));
      await expectGone(await third.json("/accounts/continue/", { token: tokenOf(link.url) }));
      expect(await idOf(third)).toBeNull();
    });

    it("without that page's CSRF token, confirming is refused and the link stays", async () => {
      const first = await newGuest(app.url);
      const link = await linkOf(first.client);
      const stranger = device(app.url);
      const forged = await stranger.form("/accounts/continue/", { token: tokenOf(link.url) });
      expect(forged.status).toBe(403);
      expect((await confirmOn(stranger, link.url)).status).toBe(302);
    });

    it("two parallel confirms: exactly one succeeds", async () => {
      const first = await newGuest(app.url);
      const link = await linkOf(first.client);
      const answers = await Promise.all(
        [device(app.url), device(app.url), device(app.url)].map((client) =>
          client.json("/accounts/continue/", { token: tokenOf(link.url) }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    });

    it("an expired link is refused", async () => {
      const first = await newGuest(app.url);
      const link = await linkOf(first.client);
      clock.advance(TTL + 1);
      const second = device(app.url);
      await expectGone(await second.get(link.url));
      await expectGone(await second.json("/accounts/continue/", { token: tokenOf(link.url) }));
    });

    it("a link is refused after log-out, log-out everywhere and conversion", async () => {
      const loggedOut = await newGuest(app.url);
      const link1 = await linkOf(loggedOut.client);
      expect((await loggedOut.client.json("/accounts/logout/")).status).toBe(200);
      await expectGone(await confirmOn(device(app.url), link1.url));

      const everywhere = await newGuest(app.url);
      const link2 = await linkOf(everywhere.client);
      await gu.invalidateUserSessions(everywhere.id as number);
      await expectGone(await confirmOn(device(app.url), link2.url));

      const converting = await newGuest(app.url);
      const link3 = await linkOf(converting.client);
      const password = "Zebra-Quantum-77!";
      const converted = await converting.client.json("/convert/", {
        username: `c_${framework}_${Date.now()}`,
        password1: password,
        password2: password,
      });
      expect(converted.status).toBe(200);
      await expectGone(await confirmOn(device(app.url), link3.url));
    });

    it("anonymous visitors cannot make a link", async () => {
      const response = await device(app.url).json("/accounts/continue/");
      expect(response.status).toBe(401);
    });

    it("the account page shows the link and its QR code as inline SVG", async () => {
      const first = await newGuest(app.url);
      const page = await (await first.client.get("/accounts/profile/")).text();
      expect(page).toContain("Continue on another device");
      const made = await first.client.form("/accounts/continue/", { csrf_token: csrfOf(page) });
      expect(made.status).toBe(200);
      const html = await made.text();
      expect(html).toMatch(/<svg[^>]*>/);
      const url = /id="continue-url">([^<]+)</.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "";
      const second = device(app.url);
      expect((await confirmOn(second, url)).status).toBe(302);
      expect(await idOf(second)).toEqual(first.id);
    });

    it("confirming is throttled like a log-in", async () => {
      const client = device(app.url);
      const bogus = `${"A".repeat(22)}.${"B".repeat(43)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await client.json("/accounts/continue/", { token: bogus })).status);
      expect(statuses).toEqual([410, 410, 410, 410, 429]);
    });
  });
});
