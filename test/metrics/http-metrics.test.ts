import { beforeEach, expect, it } from "vitest";
import { adapterServers, serverPerTest, uniquePrefix } from "../support/adapter-servers.ts";
import { cookieClient } from "../support/cookies.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { testMeter } from "./meter.ts";

const SECRET = "m".repeat(40);
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const CREATED = "guest_user.guests.created";
const REFUSED = "guest_user.guests.refused";
const LOOKUP = "guest_user.session.lookup.duration";

describeEachDatabase("metrics over real HTTP (Express)", (fx) => {
  let otel = testMeter();
  beforeEach(async () => {
    await otel.shutdown();
    otel = testMeter();
  });
  const withServer = serverPerTest(fx, adapterServers.express, () => ({
    secret: SECRET,
    tablePrefix: uniquePrefix("metrics"),
    metrics: otel.meter,
  }));

  it("counts a crawler refused (reason bot), a browser's guest and its returning visits", () =>
    withServer(async (server) => {
      const crawler = await fetch(`${server.url}/page/`, { headers: { "user-agent": GOOGLEBOT } });
      expect(await crawler.json()).toMatchObject({ user: null });
      expect(await otel.count(REFUSED, { reason: "bot" })).toBe(1);
      expect(await otel.count(CREATED)).toBe(0);

      const browser = cookieClient(server.url);
      const first = await (await browser.send("/page/")).json();
      expect(first.user.isGuest).toBe(true);
      const again = await (await browser.send("/page/")).json();
      expect(again.user.id).toBe(first.user.id);
      expect(await otel.count(CREATED)).toBe(1);
      expect((await otel.histogram(LOOKUP, { result: "hit" })).count).toBe(1);

      // A stale cookie is a miss; a HEAD request is not a refusal worth counting.
      await fetch(`${server.url}/page/`, {
        headers: { cookie: `guest_user_session=${"a".repeat(22)}.${"b".repeat(43)}` },
      });
      await fetch(`${server.url}/page/`, { method: "HEAD" });
      expect((await otel.histogram(LOOKUP, { result: "miss" })).count).toBe(1);
      expect(await otel.count(REFUSED)).toBe(1);
      expect(await otel.count(CREATED)).toBe(2);
    }));

  it("counts visitors over guestCreationLimit (reason limit)", () =>
    withServer(
      async (server) => {
        for (let i = 0; i < 3; i++) await fetch(`${server.url}/page/`);
        expect(await otel.count(CREATED)).toBe(1);
        expect(await otel.count(REFUSED, { reason: "limit" })).toBe(2);
      },
      { guestCreationLimit: { max: 1, windowSeconds: 3600 } },
    ));

  it("counts the app's veto (reason veto)", () =>
    withServer(
      async (server) => {
        const page = await (await fetch(`${server.url}/page/`)).json();
        expect(page.user).toBeNull();
        expect(await otel.count(REFUSED, { reason: "veto" })).toBe(1);
        expect(await otel.count(CREATED)).toBe(0);
      },
      { beforeGuestCreated: () => false },
    ));

  it("counts visitors served anonymously while guests are disabled (reason disabled)", () =>
    withServer(
      async (server) => {
        await fetch(`${server.url}/page/`);
        await fetch(`${server.url}/page/`);
        expect(await otel.count(REFUSED, { reason: "disabled" })).toBe(2);
        expect(await otel.count(REFUSED)).toBe(2);
      },
      { enabled: false },
    ));
});
