import { describe, expect, it } from "vitest";
import type { GuestUsers, GuestUsersOptions, User } from "../../../src/index.ts";
import { describeEachDatabase, testClock } from "../../support/guest-users.ts";
import { ownedTables } from "../../support/owned-tables.ts";
import {
  type AdminApp,
  canAccess,
  client,
  csrfOf,
  FRAMEWORKS,
  registered,
  SECRET,
  startAdminApp,
} from "./servers.ts";

const DAY = 86_400;
const LIST = "/admin/guests/";
const FUNNEL = "/admin/guests/funnel/";
const DELETE = "/admin/guests/delete/";
const DELETE_EXPIRED = "/admin/guests/delete-expired/";

interface ListJson {
  guests: {
    id: number | string;
    username: string;
    createdAt: string;
    lastSeenAt: string;
    expired: boolean;
  }[];
  next: string | null;
}

describeEachDatabase("the guest admin over HTTP", (fx) => {
  for (const framework of FRAMEWORKS) {
    describe(framework, () => {
      let count = 0;
      /** A fresh app on fresh tables; the clock starts now and moves only when told. */
      async function withApp(
        body: (app: AdminApp, gu: GuestUsers, clock: ReturnType<typeof testClock>) => Promise<void>,
        options: { pageSize?: number; gu?: GuestUsersOptions } = {},
      ) {
        const clock = testClock(Date.now());
        const gu = await fx.open({
          secret: SECRET,
          clock: clock.now,
          maxAge: DAY,
          tablePrefix: `adm_${framework}_${++count}_`,
          ...options.gu,
        });
        const app = await startAdminApp(framework, gu, {
          canAccess,
          ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        });
        try {
          await body(app, gu, clock);
        } finally {
          await app.close();
          await gu.close();
        }
      }

      /** A browser signed in as the admin. */
      async function asAdmin(app: AdminApp, gu: GuestUsers) {
        const browser = client(app.url);
        await browser.signIn(gu, await registered(gu, "root_admin"));
        return browser;
      }

      it("shows in the data column how many rows of the ownership tables each guest owns", async () => {
        const prefix = `adm_own_${framework}_`;
        const ownership = {
          tables: [
            { table: `${prefix}notes`, column: "user_id" },
            { table: `${prefix}carts`, column: "user_id" },
          ],
        };
        await withApp(
          async (app, gu) => {
            const owned = await ownedTables(gu, fx.dialect, prefix);
            const writer = await gu.createGuestUser();
            const idle = await gu.createGuestUser();
            await owned.addNote(writer.id, "one");
            await owned.addNote(writer.id, "two");
            await owned.setCart(writer.id, "apples");
            const admin = await asAdmin(app, gu);
            const json = (await (await admin.getJson(LIST)).json()) as {
              guests: { id: unknown; ownedRows?: number }[];
            };
            const rowsOf = (id: unknown) =>
              json.guests.find((guest) => String(guest.id) === String(id))?.ownedRows;
            expect(rowsOf(writer.id)).toBe(3);
            expect(rowsOf(idle.id)).toBe(0);
            const html = await (await admin.get(LIST)).text();
            expect(html).toContain(">3 rows</td>");
            expect(html).toContain(">0 rows</td>");
          },
          { gu: { tablePrefix: prefix, ownership } },
        );
      });

      it("sends anonymous visitors to log in, and refuses guests and other users", async () => {
        await withApp(async (app, gu) => {
          const anonymous = client(app.url);
          const page = await anonymous.get(`${LIST}?filter=expired`);
          expect(page.status).toBe(302);
          expect(page.headers.get("location")).toBe(
            "/accounts/login/?next=/admin/guests/%3Ffilter%3Dexpired",
          );
          const json = await anonymous.getJson(FUNNEL);
          expect(json.status).toBe(401);
          expect(await json.json()).toMatchObject({
            error: { code: "LOGIN_REQUIRED" },
            redirect: "/accounts/login/?next=/admin/guests/funnel/",
          });
          // A POST comes back to the list after the login.
          const post = await anonymous.postForm(DELETE, { ids: "1", confirm: "1" });
          expect(post.status).toBe(302);
          expect(post.headers.get("location")).toBe("/accounts/login/?next=/admin/guests/");

          const guest = client(app.url);
          const { user: guestUser, session } = await gu.createGuestSession();
          guest.jar.set("guest_user_session", session.token);
          const member = client(app.url);
          await member.signIn(gu, await registered(gu, "plain_member"));
          for (const visitor of [guest, member]) {
            for (const path of [LIST, FUNNEL]) {
              const html = await visitor.get(path);
              expect(html.status, path).toBe(403);
              expect(await html.text()).toContain("may not use the guest admin");
              const refused = await visitor.getJson(path);
              expect(refused.status).toBe(403);
              expect(await refused.json()).toEqual({
                error: { code: "FORBIDDEN", message: expect.any(String) },
              });
            }
            const deletion = await visitor.postJson(DELETE, {
              ids: [guestUser.id],
              confirm: true,
            });
            expect(deletion.status).toBe(403);
          }
          expect(await gu.getUser(guestUser)).toMatchObject({ isGuest: true });

          const admin = await asAdmin(app, gu);
          expect((await admin.get(LIST)).status).toBe(200);
          expect((await admin.get(FUNNEL)).status).toBe(200);
          expect((await admin.get(DELETE)).status).toBe(405);
        });
      });

      it("answers the list in JSON, exactly, newest first, page by page", async () => {
        await withApp(async (app, gu, clock) => {
          const old: User[] = [];
          for (let i = 0; i < 3; i++) old.push(await gu.createGuestUser({ username: `old_${i}` }));
          clock.advance(2 * DAY);
          const fresh: User[] = [];
          for (let i = 0; i < 4; i++)
            fresh.push(await gu.createGuestUser({ username: `new_${i}` }));
          const admin = await asAdmin(app, gu);

          const first = (await (await admin.getJson(`${LIST}?limit=5`)).json()) as ListJson;
          expect(Object.keys(first)).toEqual(["guests", "next"]);
          expect(first.guests.map((g) => g.username)).toEqual([
            "new_3",
            "new_2",
            "new_1",
            "new_0",
            "old_2",
          ]);
          expect(Object.keys(first.guests[0] ?? {})).toEqual([
            "id",
            "username",
            "createdAt",
            "lastSeenAt",
            "expired",
          ]);
          expect(first.guests[0]).toEqual({
            id: fresh[3]?.id,
            username: "new_3",
            createdAt: new Date(fresh[3]?.createdAt ?? 0).toISOString(),
            lastSeenAt: new Date(fresh[3]?.createdAt ?? 0).toISOString(),
            expired: false,
          });
          expect(first.guests[4]?.expired).toBe(true);
          expect(first.next).toMatch(/^[\w-]+$/);
          const second = (await (
            await admin.getJson(`${LIST}?limit=5&after=${first.next}`)
          ).json()) as ListJson;
          expect(second).toEqual({
            guests: [
              expect.objectContaining({ username: "old_1" }),
              expect.objectContaining({ username: "old_0" }),
            ],
            next: null,
          });

          const expired = (await (
            await admin.getJson(`${LIST}?filter=expired`)
          ).json()) as ListJson;
          expect(expired.guests.map((g) => g.username)).toEqual(["old_2", "old_1", "old_0"]);
          const active = (await (
            await admin.getJson(`${LIST}?filter=active&q=NEW_`)
          ).json()) as ListJson;
          expect(active.guests).toHaveLength(4);
          // The admin itself is a registered user: never in the list.
          expect((await (await admin.getJson(`${LIST}?q=root`)).json()) as ListJson).toEqual({
            guests: [],
            next: null,
          });

          for (const query of [
            "filter=old",
            "limit=0",
            "limit=501",
            "limit=ten",
            "after=%%%",
            "after=bm9wZQ",
          ]) {
            const bad = await admin.getJson(`${LIST}?${query}`);
            expect(bad.status, query).toBe(400);
            expect(await bad.json()).toMatchObject({
              error: { code: "INVALID_QUERY", message: expect.any(String) },
            });
          }
          expect((await admin.get(`${LIST}?limit=0`)).status).toBe(400);
        });
      });

      it("answers the funnel in JSON, exactly", async () => {
        await withApp(async (app, gu, clock) => {
          gu.on("merged", () => {});
          const member = await registered(gu, "member");
          const guests: User[] = [];
          for (let i = 0; i < 4; i++) guests.push(await gu.createGuestUser());
          await gu.convert(guests[0] as User, {
            username: "converted",
            password1: "Zebra-Quantum-77!",
            password2: "Zebra-Quantum-77!",
          });
          await gu.mergeGuest(guests[1] as User, member);
          clock.advance(2 * DAY);
          await gu.deleteExpired();
          const admin = await asAdmin(app, gu);

          const response = await admin.getJson(FUNNEL);
          expect(response.status).toBe(200);
          const funnel = (await response.json()) as {
            days: Record<string, unknown>[];
            totals: Record<string, unknown>;
          };
          expect(Object.keys(funnel)).toEqual(["days", "totals"]);
          expect(funnel.days).toHaveLength(30);
          for (const day of funnel.days)
            expect(Object.keys(day)).toEqual([
              "day",
              "created",
              "converted",
              "merged",
              "deleted",
              "convertedAfterQuota",
            ]);
          expect(funnel.days.at(-1)?.day).toBe(new Date(clock.now()).toISOString().slice(0, 10));
          expect(funnel.totals).toEqual({
            created: 4,
            converted: 1,
            merged: 1,
            deleted: 2,
            convertedAfterQuota: 0,
            conversionRate: 0.5,
          });
          expect(
            ((await (await admin.getJson(`${FUNNEL}?days=7`)).json()) as { days: unknown[] }).days,
          ).toHaveLength(7);
          expect((await admin.getJson(`${FUNNEL}?days=0`)).status).toBe(400);

          const html = await (await admin.get(FUNNEL)).text();
          expect(html).toContain("<svg");
          expect(html).toContain("50.0%");
          expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
        });
      });

      it("asks before deleting the selected guests, and never deletes a registered user", async () => {
        await withApp(async (app, gu) => {
          const [a, b, c] = [
            await gu.createGuestUser({ username: "guest_a" }),
            await gu.createGuestUser({ username: "<b>guest_b</b>" }),
            await gu.createGuestUser({ username: "guest_c" }),
          ];
          const member = await registered(gu, "member");
          const admin = await asAdmin(app, gu);
          const csrf = await admin.csrf(LIST);

          const nothing = await admin.postForm(DELETE, { csrf_token: csrf });
          expect(await nothing.text()).toContain("No guest was selected");
          const ids = [String(a.id), String(b.id), String(member.id)];
          const confirm = await admin.postForm(DELETE, { csrf_token: csrf, ids });
          expect(confirm.status).toBe(200);
          const page = await confirm.text();
          expect(page).toContain("Delete the selected guests?");
          expect(page).toContain("guest_a");
          expect(page).toContain("&lt;b&gt;guest_b&lt;/b&gt;");
          expect(page).not.toContain("<b>guest_b");
          expect(page).toContain("1 selected account is not a guest and will be kept");
          const hidden = [...page.matchAll(/name="ids" value="([^"]*)"/g)].map((m) => m[1]);
          expect(hidden.sort()).toEqual([String(a.id), String(b.id)].sort());
          expect(page).toMatch(/name="confirm" value="1"/);
          // Nothing is deleted by the first step.
          expect(await gu.getUser(a)).not.toBeNull();

          // The confirmation form, posted as the browser would (plus the member's id, forged).
          const done = await admin.postForm(DELETE, {
            csrf_token: csrfOf(page),
            confirm: "1",
            ids: [...(hidden as string[]), String(member.id)],
          });
          expect(done.status).toBe(303);
          expect(done.headers.get("location")).toBe("/admin/guests/?deleted=2");
          expect(await gu.getUser(a)).toBeNull();
          expect(await gu.getUser(b)).toBeNull();
          expect(await gu.getUser(c)).toMatchObject({ isGuest: true });
          expect(await gu.getUser(member)).toMatchObject({ isGuest: false });
          expect(await (await admin.get(`${LIST}?deleted=2`)).text()).toContain(
            "Deleted 2 guests.",
          );

          // JSON: confirm: true directly; without it, what would go.
          const ask = await admin.postJson(DELETE, { ids: [c.id, member.id] });
          expect(ask.status).toBe(400);
          expect(await ask.json()).toEqual({
            error: { code: "CONFIRMATION_REQUIRED", message: expect.any(String) },
            guests: [expect.objectContaining({ id: c.id, username: "guest_c" })],
          });
          const json = await admin.postJson(DELETE, { ids: [c.id, member.id], confirm: true });
          expect(await json.json()).toEqual({ deleted: 1 });
          expect(await gu.getUser(member)).not.toBeNull();
          expect((await gu.funnel()).totals.deleted).toBe(3);
          const bad = await admin.postJson(DELETE, { ids: ["x"], confirm: true });
          expect(bad.status).toBe(400);
          expect(await bad.json()).toMatchObject({ error: { code: "INVALID_IDS" } });
        });
      });

      it("requires the CSRF token on every POST", async () => {
        await withApp(async (app, gu, clock) => {
          const guest = await gu.createGuestUser();
          clock.advance(2 * DAY);
          const admin = await asAdmin(app, gu);
          await admin.get(LIST); // the CSRF cookie, as a browser would have it
          const attempts = [
            () => admin.postForm(DELETE, { ids: String(guest.id), confirm: "1" }),
            () =>
              admin.postForm(DELETE, { ids: String(guest.id), confirm: "1", csrf_token: "forged" }),
            () => admin.postForm(DELETE_EXPIRED, { confirm: "1" }),
            // JSON from another site, or with no Origin at all.
            () =>
              admin.postJson(
                DELETE,
                { ids: [guest.id], confirm: true },
                { origin: "https://evil.example" },
              ),
            () => admin.postJson(DELETE_EXPIRED, { confirm: true }, { origin: "" }),
          ];
          for (const attempt of attempts) {
            const response = await attempt();
            expect(response.status).toBe(403);
            await response.arrayBuffer();
          }
          expect(await gu.getUser(guest)).toMatchObject({ isGuest: true });
          // The header form of the token works too.
          const csrf = await admin.csrf(LIST);
          const ok = await admin.postForm(
            DELETE,
            { ids: String(guest.id), confirm: "1" },
            { "x-csrf-token": csrf },
          );
          expect(ok.status).toBe(303);
          expect(await gu.getUser(guest)).toBeNull();
        });
      });

      it("asks before deleting every expired guest, then runs the clean-up", async () => {
        await withApp(async (app, gu, clock) => {
          for (let i = 0; i < 3; i++) await gu.createGuestUser();
          clock.advance(2 * DAY);
          const fresh = await gu.createGuestUser();
          const admin = await asAdmin(app, gu);
          const csrf = await admin.csrf(LIST);

          const ask = await admin.postForm(DELETE_EXPIRED, { csrf_token: csrf });
          expect(ask.status).toBe(200);
          const page = await ask.text();
          expect(page).toContain("Delete all expired guests?");
          expect(page).toContain("3 guests");
          expect(await gu.stats()).toEqual({ guests: 4, expired: 3, kept: 0 });

          const done = await admin.postForm(DELETE_EXPIRED, {
            csrf_token: csrfOf(page),
            confirm: "1",
          });
          expect(done.status).toBe(303);
          expect(done.headers.get("location")).toBe("/admin/guests/?deleted=3");
          expect(await gu.stats()).toEqual({ guests: 1, expired: 0, kept: 0 });
          expect(await gu.getUser(fresh)).toMatchObject({ isGuest: true });

          const none = await admin.postJson(DELETE_EXPIRED, {});
          expect(none.status).toBe(400);
          expect(await none.json()).toMatchObject({
            error: { code: "CONFIRMATION_REQUIRED" },
            expired: 0,
          });
          clock.advance(2 * DAY);
          const json = await admin.postJson(DELETE_EXPIRED, { confirm: true });
          expect(await json.json()).toMatchObject({ deleted: 1 });
          expect((await gu.funnel()).totals.deleted).toBe(4);
        });
      });

      it("shows the list as an escaped HTML table with search, filters and a next-page link", async () => {
        await withApp(
          async (app, gu) => {
            for (const username of ["alpha_1", "alpha_2", "<i>alpha_3</i>", "beta_1"])
              await gu.createGuestUser({ username });
            const admin = await asAdmin(app, gu);
            const html = await (await admin.get(LIST)).text();
            expect(html).toContain("<table>");
            expect(html).toContain("beta_1");
            expect(html).toContain("&lt;i&gt;alpha_3&lt;/i&gt;");
            expect(html).not.toContain("<i>alpha_3");
            const next = /href="([^"]*)" rel="next"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
            expect(next).toMatch(/^\/admin\/guests\/\?after=/);
            const second = await (await admin.get(next as string)).text();
            expect(second).toContain("alpha_1");
            expect(second).not.toContain("beta_1");
            expect(second).toContain("First page");
            const search = await (await admin.get(`${LIST}?q=ALPHA&filter=active`)).text();
            expect(search).toContain('value="ALPHA"');
            expect(search).not.toContain("beta_1");
            expect(search).toMatch(/href="\/admin\/guests\/\?filter=expired&amp;q=ALPHA"/);
          },
          { pageSize: 3 },
        );
      });
    });
  }
});
