/**
 * `adminViews()` without `canAccess` (issue 17, finding 4): the staff flag decides. Staff
 * get in, other registered users and guests get 403 (a guest even with the column set behind
 * the library's back), and a revoked user is out on the next request. An explicit
 * `canAccess` still replaces the default.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { GuestUsers } from "../../../src/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { client, FRAMEWORKS, registered, SECRET, startAdminApp } from "./servers.ts";

const LIST = "/admin/guests/";
const FUNNEL = "/admin/guests/funnel/";

describeEachDatabase("the guest admin's default access: the staff flag", (fx) => {
  for (const framework of FRAMEWORKS) {
    describe(framework, () => {
      let count = 0;
      const open = () => fx.open({ secret: SECRET, tablePrefix: `sa_${framework}_${++count}_` });

      /** A browser signed in as a new registered user. */
      async function member(gu: GuestUsers, url: string, username: string) {
        const user = await registered(gu, username);
        const browser = client(url);
        await browser.signIn(gu, user);
        return { user, browser };
      }

      it("admits staff only, and no longer once revoked", async () => {
        const gu = await open();
        const app = await startAdminApp(framework, gu, {});
        try {
          const staff = await member(gu, app.url, "grace_hopper");
          const other = await member(gu, app.url, "plain_member");
          expect((await staff.browser.get(LIST)).status).toBe(403);
          await gu.setStaff(staff.user, true);
          expect((await staff.browser.get(LIST)).status).toBe(200);
          expect((await staff.browser.getJson(FUNNEL)).status).toBe(200);
          const refused = await other.browser.getJson(LIST);
          expect(refused.status).toBe(403);
          expect(await refused.json()).toMatchObject({ error: { code: "FORBIDDEN" } });

          // A guest never gets in, even with the column set behind the library's back.
          const { user: guest, session } = await gu.createGuestSession();
          await sql`update ${sql.table(gu.settings.tables.users.table)}
            set is_staff = ${fx.dialect === "postgres" ? true : 1} where id = ${guest.id}`.execute(
            gu.db,
          );
          const visitor = client(app.url);
          visitor.jar.set("guest_user_session", session.token);
          expect((await visitor.get(LIST)).status).toBe(403);

          await gu.setStaff(staff.user, false);
          expect((await staff.browser.get(LIST)).status).toBe(403);
        } finally {
          await app.close();
        }
      });

      it("lets an explicit canAccess replace the flag", async () => {
        const gu = await open();
        const app = await startAdminApp(framework, gu, {
          canAccess: (user) => user.username === "only_me",
        });
        try {
          const me = await member(gu, app.url, "only_me");
          const staff = await member(gu, app.url, "staff_member");
          await gu.setStaff(staff.user, true);
          expect((await me.browser.get(LIST)).status).toBe(200);
          expect((await staff.browser.get(LIST)).status).toBe(403);
        } finally {
          await app.close();
        }
      });
    });
  }
});
