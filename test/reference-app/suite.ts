/**
 * The whole matrix against the real reference app over real HTTP: SPEC section 3 (the three
 * guards, as functions and as mixins), section 5 (converting over HTML forms), login,
 * logout, sign-up, `GUEST_USER_ENABLED=false` and a blocked crawler. Each adapter's test
 * file calls {@link describeReferenceApp}; it runs once per database (SQLite, and PostgreSQL
 * when the server answers), starting the app processes once for all the checks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterName, NameGeneratorName } from "../../examples/reference-app/config.ts";
import {
  availableDialects,
  type DialectName,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import {
  type AppProcess,
  assertBuilt,
  Client,
  COOKIE,
  csrfTokenOf,
  GOOGLEBOT,
  guestClient,
  PASSWORD,
  parseForm,
  type RunningApp,
  registeredClient,
  sessionSetCookie,
  startApp,
  type UserJson,
  uniqueName,
} from "./harness.ts";

const USERNAMES: Record<NameGeneratorName, RegExp> = {
  uuid: /^[0-9a-f]{32}$/,
  numbered: /^Guest\d{4}$/,
  friendly: /^[A-Z][A-Za-z]+\d{1,4}$/,
};

/** The guarded routes, as function guards and as class-based views with the mixins. */
const KINDS = [
  { kind: "function guard", prefix: "" },
  { kind: "mixin", prefix: "/mixin" },
] as const;

const HOSTILE_NEXTS = [
  "//evil.example/",
  "https://evil.example/",
  "/\\evil.example/",
  "javascript:alert(1)",
];

/** Runs `body` on SQLite, and on PostgreSQL when its server answers (else a skipped block). */
export function describeDatabases(body: (dialect: DialectName) => void) {
  const available = availableDialects();
  for (const dialect of ["sqlite", "postgres"] as const) {
    if (available.includes(dialect)) body(dialect);
    else describe.skip(`[${dialect}] (server not reachable)`, () => body(dialect));
  }
}

export function describeReferenceApp(adapter: AdapterName, nameGenerator: NameGeneratorName) {
  describeDatabases((dialect) => {
    describe(`reference app: ADAPTER=${adapter} on ${dialect}`, () => {
      let database: IsolatedDatabase | undefined;
      let app: RunningApp;
      let disabled: RunningApp;
      const started: AppProcess[] = [];
      const base = () => app.url;

      beforeAll(async () => {
        assertBuilt();
        database = await isolatedDatabase(dialect);
        const env = {
          ADAPTER: adapter,
          DATABASE_URL: database.url,
          GUEST_USER_NAME_GENERATOR: nameGenerator,
        };
        // Two processes on one database: both migrate at start, concurrently.
        const starting = [
          startApp(env),
          startApp({ ...env, GUEST_USER_ENABLED: "false", GUEST_USER_MAX_AGE: "3600" }),
        ];
        const results = await Promise.allSettled(starting);
        for (const result of results)
          if (result.status === "fulfilled") started.push(result.value.process);
        for (const result of results) if (result.status === "rejected") throw result.reason;
        [app, disabled] = results.map(
          (result) => (result as PromiseFulfilledResult<RunningApp>).value,
        ) as [RunningApp, RunningApp];
      });

      afterAll(async () => {
        const exits = await Promise.all(started.map((process) => process.stop("SIGTERM")));
        await database?.drop();
        // Graceful shutdown: the server and guestUsers closed, exit code 0.
        for (const [index, exit] of exits.entries()) {
          expect(exit, started[index]?.output).toEqual({ code: 0, signal: null });
          expect(started[index]?.stdout).toContain("SIGTERM, shutting down");
        }
      });

      for (const { kind, prefix } of KINDS) {
        const allow = `${prefix}/allow_guest_user/`;
        const guestOnly = `${prefix}/guest_user_required/`;
        const regularOnly = `${prefix}/regular_user_required/`;

        describe(kind, () => {
          it("allow_guest_user: an anonymous visitor becomes a guest, with an HttpOnly SameSite=Lax cookie", async () => {
            const client = new Client(base());
            const response = await client.fetch(allow, { headers: { accept: "application/json" } });
            expect(response.status).toBe(200);
            const cookie = sessionSetCookie(response);
            expect(cookie).toBeDefined();
            expect(cookie).toMatch(/; HttpOnly/i);
            expect(cookie).toMatch(/; SameSite=Lax/i);
            expect(cookie).toMatch(/; Path=\//i);
            expect(cookie).not.toMatch(/; Secure/i); // http://127.0.0.1 is local
            const { user } = (await response.json()) as {
              user: { isGuest: boolean; username: string };
            };
            expect(user.isGuest).toBe(true);
            expect(user.username).toMatch(USERNAMES[nameGenerator]);
          });

          it("allow_guest_user: a returning guest is the same guest, and no new one is made", async () => {
            const { client, user } = await guestClient(base());
            const token = client.session;
            const again = await client.fetch(allow, { headers: { accept: "application/json" } });
            expect(again.status).toBe(200);
            expect(sessionSetCookie(again)).toBeUndefined();
            expect(await again.json()).toEqual({ user });
            expect(client.session).toBe(token);
          });

          it("allow_guest_user: HTML shows the guest", async () => {
            const client = new Client(base());
            const html = await client.html(allow);
            const { user } = await client.json(allow);
            expect(html).toContain(`<strong id="username">${user?.username}</strong>`);
            expect(html).toContain("a guest");
            expect(csrfTokenOf(html)).not.toBe(""); // the logout form
          });

          it("allow_guest_user: a registered user passes as themself", async () => {
            const { client, user } = await registeredClient(base());
            const response = await client.fetch(allow, { headers: { accept: "application/json" } });
            expect(response.status).toBe(200);
            expect(sessionSetCookie(response)).toBeUndefined();
            expect(await response.json()).toEqual({ user });
          });

          it("allow_guest_user: a Googlebot User-Agent never gets a guest; the view runs anonymous", async () => {
            const client = new Client(base(), GOOGLEBOT);
            const response = await client.fetch(allow, { headers: { accept: "application/json" } });
            expect(response.status).toBe(200);
            expect(sessionSetCookie(response)).toBeUndefined();
            expect(await response.json()).toEqual({ user: null });
            expect(await client.html(allow)).toContain("Not signed in.");
            expect(client.session).toBeUndefined();
          });

          it("guest_user_required: anonymous -> 302 /accounts/login/ (no next), guest -> view, registered -> 302 /accounts/profile/", async () => {
            const anonymous = new Client(base());
            const refused = await anonymous.fetch(guestOnly);
            expect(refused.status).toBe(302);
            expect(refused.headers.get("location")).toBe("/accounts/login/");
            expect(sessionSetCookie(refused)).toBeUndefined();

            const { client: guest, user } = await guestClient(base());
            expect(await guest.json(guestOnly)).toEqual({ user });
            expect(await guest.html(guestOnly)).toContain("a guest");

            const { client: registered } = await registeredClient(base());
            const sent = await registered.fetch(guestOnly);
            expect(sent.status).toBe(302);
            expect(sent.headers.get("location")).toBe("/accounts/profile/");
          });

          it("regular_user_required: anonymous -> login with next, guest -> convert with next, registered -> view", async () => {
            const anonymous = await new Client(base()).fetch(regularOnly);
            expect(anonymous.status).toBe(302);
            expect(anonymous.headers.get("location")).toBe(`/accounts/login/?next=${regularOnly}`);
            expect(sessionSetCookie(anonymous)).toBeUndefined();

            const withQuery = await new Client(base()).fetch(`${regularOnly}?a=1&b=2`);
            expect(withQuery.headers.get("location")).toBe(
              `/accounts/login/?next=${regularOnly}%3Fa%3D1%26b%3D2`,
            );

            const { client: guest } = await guestClient(base());
            const converting = await guest.fetch(regularOnly);
            expect(converting.status).toBe(302);
            expect(converting.headers.get("location")).toBe(`/convert/?next=${regularOnly}`);

            const { client: registered, user } = await registeredClient(base());
            expect(await registered.json(regularOnly)).toEqual({ user });
            expect(await registered.html(regularOnly)).toContain("a registered user");
          });
        });
      }

      describe("profile (any signed-in user)", () => {
        it("anonymous -> 302 /accounts/login/?next=/accounts/profile/; guests and registered users see it", async () => {
          const anonymous = await new Client(base()).fetch("/accounts/profile/");
          expect(anonymous.status).toBe(302);
          expect(anonymous.headers.get("location")).toBe(
            "/accounts/login/?next=/accounts/profile/",
          );

          const { client: guest, user: guestUser } = await guestClient(base());
          const guestProfile = (await guest.json("/accounts/profile/")) as UserJson & {
            expiresAt: string;
          };
          expect(guestProfile).toMatchObject({ user: guestUser, isGuest: true });
          expect(Date.parse(guestProfile.expiresAt)).toBeGreaterThan(Date.now());

          const { client: registered, user } = await registeredClient(base());
          expect(await registered.json("/accounts/profile/")).toMatchObject({
            user,
            isGuest: false,
            expiresAt: null,
          });
        });
      });

      describe("convert (SPEC section 5, over HTML forms)", () => {
        it("anonymous visitors go to the login page, registered users to the profile", async () => {
          const anonymous = new Client(base());
          for (const response of [
            await anonymous.fetch("/convert/"),
            await anonymous.post("/convert/", { username: "x" }),
          ]) {
            expect(response.status).toBe(302);
            expect(response.headers.get("location")).toBe("/accounts/login/");
          }
          const { client: registered } = await registeredClient(base());
          const response = await registered.fetch("/convert/");
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe("/accounts/profile/");
        });

        it("GET shows a guest the form, with its csrf_token", async () => {
          const { client } = await guestClient(base());
          const html = await client.html("/convert/");
          expect(csrfTokenOf(html)).toMatch(/^[\w-]{20,}$/);
          expect(parseForm(html).names).toEqual(
            expect.arrayContaining(["csrf_token", "username", "password1", "password2"]),
          );
          expect(html).toContain('<form method="post" action="/convert/">');
        });

        it("a POST without the csrf_token is refused (403) and changes nothing", async () => {
          const { client, user } = await guestClient(base());
          await client.html("/convert/"); // the CSRF cookie is set, but the token not sent
          const response = await client.post("/convert/", {
            username: uniqueName(),
            password1: PASSWORD,
            password2: PASSWORD,
          });
          expect(response.status).toBe(403);
          expect(await client.whoami()).toEqual(user);
        });

        it("an invalid POST shows the form again with its errors; still the same guest", async () => {
          const { client, user } = await guestClient(base());
          const token = client.session;
          const response = await client.submit("/convert/", {
            username: uniqueName(),
            password1: PASSWORD,
            password2: `${PASSWORD}-other`,
          });
          expect(response.status).toBe(200);
          const html = await response.text();
          expect(html).toContain('class="errors"');
          expect(html).toContain('aria-invalid="true"');
          expect(csrfTokenOf(html)).not.toBe("");
          expect(client.session).toBe(token);
          expect(await client.whoami()).toEqual(user);

          const common = await client.submit("/convert/", {
            username: uniqueName(),
            password1: "password",
            password2: "password",
          });
          expect(common.status).toBe(200);
          expect(await common.text()).toContain('class="errors"');
          expect(await client.whoami()).toEqual(user);
        });

        it("a valid POST converts the same user, with a new cookie, and lands on /convert/success/", async () => {
          const { client, user } = await guestClient(base());
          const old = client.clone();
          const username = uniqueName("ada");
          const response = await client.submit("/convert/", {
            username,
            password1: PASSWORD,
            password2: PASSWORD,
          });
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe("/convert/success/");
          const cookie = sessionSetCookie(response);
          expect(cookie).toMatch(/; HttpOnly/i);
          expect(cookie).toMatch(/; SameSite=Lax/i);
          expect(client.session).toBeDefined();
          expect(client.session).not.toBe(old.session);

          const converted = { id: user.id, username, isGuest: false };
          expect(await client.whoami()).toEqual(converted);
          expect(await client.json("/allow_guest_user/")).toEqual({ user: converted });
          expect(await client.json("/regular_user_required/")).toEqual({ user: converted });
          expect(await client.json("/convert/success/")).toEqual({ user: converted });
          const success = await client.html("/convert/success/");
          expect(success).toContain(username);

          // The guest's old session ended with the conversion: that cookie is anonymous now.
          expect(await old.whoami()).toBeNull();
          const oldRegular = await old.fetch("/regular_user_required/");
          expect(oldRegular.headers.get("location")).toBe(
            "/accounts/login/?next=/regular_user_required/",
          );
          const oldGuestOnly = await old.fetch("/guest_user_required/");
          expect(oldGuestOnly.headers.get("location")).toBe("/accounts/login/");

          // Converted: the convert page now sends them on, and they can log in with the password.
          const again = await client.fetch("/convert/");
          expect(again.headers.get("location")).toBe("/accounts/profile/");
          const fresh = new Client(base());
          const login = await fresh.submit("/accounts/login/", { username, password: PASSWORD });
          expect(login.status).toBe(302);
          expect(await fresh.whoami()).toEqual(converted);
        });

        it("the way back: regular_user_required -> convert?next= -> converted -> back where they came from", async () => {
          const { client, user } = await guestClient(base());
          const first = await client.fetch("/mixin/regular_user_required/");
          const convertUrl = first.headers.get("location") as string;
          expect(convertUrl).toBe("/convert/?next=/mixin/regular_user_required/");
          const form = parseForm(await client.html(convertUrl));
          expect(form.hidden.next).toBe("/mixin/regular_user_required/");
          const username = uniqueName("grace");
          const response = await client.post(convertUrl, {
            ...form.hidden,
            username,
            password1: PASSWORD,
            password2: PASSWORD,
          });
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe("/mixin/regular_user_required/");
          expect(await client.json("/mixin/regular_user_required/")).toEqual({
            user: { id: user.id, username, isGuest: false },
          });
        });

        it("a hostile next falls back to /convert/success/", async () => {
          const guests = await Promise.all(HOSTILE_NEXTS.map(() => guestClient(base())));
          for (const [index, next] of HOSTILE_NEXTS.entries()) {
            const { client, user } = guests[index] as (typeof guests)[number];
            const html = await client.html(`/convert/?next=${encodeURIComponent(next)}`);
            expect(parseForm(html).hidden.next).toBeUndefined();
            const response = await client.post("/convert/", {
              csrf_token: csrfTokenOf(html),
              next,
              username: uniqueName("hostile"),
              password1: PASSWORD,
              password2: PASSWORD,
            });
            expect(response.status, next).toBe(302);
            expect(response.headers.get("location"), next).toBe("/convert/success/");
            expect((await client.whoami())?.id).toBe(user.id);
          }
        });

        it("the success page: anonymous -> login, a guest -> convert", async () => {
          const anonymous = await new Client(base()).fetch("/convert/success/");
          expect(anonymous.status).toBe(302);
          expect(anonymous.headers.get("location")).toBe("/accounts/login/");
          const { client } = await guestClient(base());
          const guest = await client.fetch("/convert/success/");
          expect(guest.status).toBe(302);
          expect(guest.headers.get("location")).toBe("/convert/");
        });
      });

      describe("sign-up, login, logout", () => {
        it("sign-up: the form has a csrf_token; invalid input shows errors; valid input logs the new user in", async () => {
          const client = new Client(base());
          const html = await client.html("/accounts/signup/");
          csrfTokenOf(html);
          expect(parseForm(html).names).toEqual(
            expect.arrayContaining(["username", "password1", "password2"]),
          );
          const username = uniqueName("signup");
          const invalid = await client.submit("/accounts/signup/", {
            username,
            password1: "12345678",
            password2: "12345678",
          });
          expect(invalid.status).toBe(200);
          expect(await invalid.text()).toContain('class="errors"');
          expect(client.session).toBeUndefined();

          const valid = await client.submit("/accounts/signup/?next=/regular_user_required/", {
            username,
            password1: PASSWORD,
            password2: PASSWORD,
          });
          expect(valid.status).toBe(302);
          expect(valid.headers.get("location")).toBe("/regular_user_required/");
          expect(await client.json("/regular_user_required/")).toMatchObject({
            user: { username, isGuest: false },
          });
        });

        it("sign-up: guests are sent to convert (keeping their data), registered users to the profile", async () => {
          const { client: guest } = await guestClient(base());
          const sent = await guest.fetch("/accounts/signup/");
          expect(sent.status).toBe(302);
          expect(sent.headers.get("location")).toBe("/convert/");
          const { client: registered } = await registeredClient(base());
          const on = await registered.fetch("/accounts/signup/");
          expect(on.headers.get("location")).toBe("/accounts/profile/");
        });

        it("login: the form has a csrf_token; a wrong password shows an error; the right one logs in", async () => {
          const { username, user } = await registeredClient(base());
          const client = new Client(base());
          csrfTokenOf(await client.html("/accounts/login/"));
          const wrong = await client.submit("/accounts/login/", {
            username,
            password: "nope-nope-nope",
          });
          expect(wrong.status).toBe(200);
          expect(await wrong.text()).toContain("Please enter a correct username and password.");
          expect(client.session).toBeUndefined();

          const right = await client.submit("/accounts/login/", { username, password: PASSWORD });
          expect(right.status).toBe(302);
          expect(right.headers.get("location")).toBe("/accounts/profile/");
          expect(await client.whoami()).toEqual(user);

          const withNext = new Client(base());
          const back = await withNext.submit("/accounts/login/?next=/guest_user_required/", {
            username,
            password: PASSWORD,
          });
          expect(back.headers.get("location")).toBe("/guest_user_required/");

          const hostile = new Client(base());
          const fallback = await hostile.submit(
            `/accounts/login/?next=${encodeURIComponent("https://evil.example/")}`,
            { username, password: PASSWORD },
          );
          expect(fallback.headers.get("location")).toBe("/accounts/profile/");
        });

        it("login: a guest who logs in to an existing account becomes that user", async () => {
          const { username, user } = await registeredClient(base());
          const { client } = await guestClient(base());
          const response = await client.submit("/accounts/login/", {
            username,
            password: PASSWORD,
          });
          expect(response.status).toBe(302);
          expect(await client.whoami()).toEqual(user);
        });

        it("logout: POST only, with the csrf_token of the page's form; the session ends", async () => {
          const { client } = await registeredClient(base());
          const old = client.clone();
          const get = await client.fetch("/accounts/logout/");
          expect(get.status).toBe(405);
          expect(get.headers.get("allow")).toBe("POST");

          const forged = await client.post("/accounts/logout/", {});
          expect(forged.status).toBe(403);
          expect(await client.whoami()).not.toBeNull();

          const profile = await client.html("/accounts/profile/");
          expect(profile).toContain('<form method="post" action="/accounts/logout/">');
          const response = await client.post("/accounts/logout/", {
            csrf_token: csrfTokenOf(profile),
          });
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe("/accounts/login/");
          expect(sessionSetCookie(response)).toMatch(/Max-Age=0/i);
          expect(client.cookies.has(COOKIE)).toBe(false);
          expect(await client.whoami()).toBeNull();
          expect(await old.whoami()).toBeNull();
        });
      });

      describe("GUEST_USER_ENABLED=false", () => {
        for (const { kind, prefix } of KINDS) {
          it(`${kind}: allow_guest_user lets an anonymous visitor through without a guest or cookie`, async () => {
            const client = new Client(disabled.url);
            const response = await client.fetch(`${prefix}/allow_guest_user/`, {
              headers: { accept: "application/json" },
            });
            expect(response.status).toBe(200);
            expect(sessionSetCookie(response)).toBeUndefined();
            expect(await response.json()).toEqual({ user: null });
            expect(await client.html(`${prefix}/allow_guest_user/`)).toContain("Not signed in.");
            expect(client.session).toBeUndefined();
          });

          it(`${kind}: the other guards redirect the anonymous visitor; a registered user passes`, async () => {
            const anonymous = new Client(disabled.url);
            const guestOnly = await anonymous.fetch(`${prefix}/guest_user_required/`);
            expect(guestOnly.headers.get("location")).toBe("/accounts/login/");
            const regular = await anonymous.fetch(`${prefix}/regular_user_required/`);
            expect(regular.headers.get("location")).toBe(
              `/accounts/login/?next=${prefix}/regular_user_required/`,
            );
            // Same database: a user signed up on the other process logs in here.
            const { username, user } = await registeredClient(base());
            const client = new Client(disabled.url);
            await client.submit("/accounts/login/", { username, password: PASSWORD });
            expect(await client.json(`${prefix}/allow_guest_user/`)).toEqual({ user });
            expect(await client.json(`${prefix}/regular_user_required/`)).toEqual({ user });
          });
        }
      });
    });
  });
}
