import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { GuestUsers, User } from "../../src/index.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import {
  type AdminApp,
  client,
  FRAMEWORKS,
  PASSWORD,
  registered,
  SECRET,
  SESSION,
  startAdminApp,
} from "./admin/servers.ts";

const LOGIN = "/accounts/login/";
const SIGNUP = "/accounts/signup/";
const CONVERT = "/convert/";
const DELETE = "/accounts/delete/";
const LIST = "/admin/guests/";
const NUL = "a\u0000b";
const JSON_ACCEPT = { accept: "application/json" };

/** The JSON answer to a value no database can store. */
const invalidInput = (field: string) => ({
  error: { code: "INVALID_INPUT", message: expect.stringContaining(`\`${field}\``) },
  errors: { [field]: [expect.stringContaining("NUL")] },
});

async function userCount(gu: GuestUsers): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`select count(*) as n
    from ${sql.table(gu.settings.tables.users.table)}`.execute(gu.db);
  return Number(rows[0]?.n);
}

describeEachDatabase("NUL in a request is 400 INVALID_INPUT, never a 500", (fx) => {
  for (const framework of FRAMEWORKS) {
    describe(framework, () => {
      let count = 0;
      /** An app with the account views and the admin; what the logger was told. */
      async function withApp(body: (app: AdminApp, gu: GuestUsers) => Promise<void>) {
        const logged: unknown[][] = [];
        const record = (...args: unknown[]) => {
          logged.push(args);
        };
        const gu = await fx.open({
          secret: SECRET,
          tablePrefix: `nul_${framework}_${++count}_`,
          logger: { warn: record, error: record },
        });
        const app = await startAdminApp(framework, gu, {
          canAccess: (user: User) => user.username === "root_admin",
        });
        try {
          await body(app, gu);
        } finally {
          await app.close();
          await gu.close();
        }
        // No stack trace, no log line at all: a bad request is not a server failure.
        expect(logged).toEqual([]);
      }

      it("login: JSON and form, as the probe sent them", () =>
        withApp(async (app, gu) => {
          await registered(gu, "ada");
          const browser = client(app.url);
          const json = await browser.postJson(LOGIN, { username: NUL, password: PASSWORD });
          expect(json.status).toBe(400);
          expect(await json.json()).toEqual(invalidInput("username"));
          const lone = await browser.postJson(LOGIN, { username: "a\uD800", password: PASSWORD });
          expect(lone.status).toBe(400);
          expect((await lone.json()).error.code).toBe("INVALID_INPUT");

          const token = await browser.csrf(LOGIN);
          const form = await browser.postForm(LOGIN, {
            username: NUL,
            password: PASSWORD,
            csrf_token: token,
          });
          expect(form.status).toBe(400);
          expect(form.headers.get("content-type")).toMatch(/^text\/html/);
          const page = await form.text();
          expect(page).toContain("NUL character");
          expect(page).toContain('name="username"');
          expect(page).not.toContain("\u0000");
          expect(browser.jar.has(SESSION)).toBe(false);
          // The right name still logs in.
          const ok = await browser.postJson(LOGIN, { username: "ada", password: PASSWORD });
          expect(ok.status).toBe(200);
        }));

      it("sign-up, convert and delete: nothing written, nothing deleted", () =>
        withApp(async (app, gu) => {
          const fields = (username: string) => ({
            username,
            password1: PASSWORD,
            password2: PASSWORD,
          });
          const anonymous = client(app.url);
          const signup = await anonymous.postJson(SIGNUP, fields(NUL));
          expect(signup.status).toBe(400);
          expect(await signup.json()).toEqual(invalidInput("username"));
          const token = await anonymous.csrf(SIGNUP);
          const signupForm = await anonymous.postForm(SIGNUP, {
            ...fields(NUL),
            csrf_token: token,
          });
          expect(signupForm.status).toBe(400);
          expect(await signupForm.text()).toContain("NUL character");

          const guest = await gu.createGuestUser();
          const visitor = client(app.url);
          await visitor.signIn(gu, guest);
          const convert = await visitor.postJson(CONVERT, fields(NUL));
          expect(convert.status).toBe(400);
          expect(await convert.json()).toEqual(invalidInput("username"));
          expect(await gu.isGuestUser(guest)).toBe(true);

          const ada = await registered(gu, "ada");
          const owner = client(app.url);
          await owner.signIn(gu, ada);
          const profile = await owner.send("/accounts/profile/?q=%00", { headers: JSON_ACCEPT });
          expect(profile.status).toBe(200);
          const remove = await owner.postJson(DELETE, { password: NUL });
          expect(remove.status).toBe(400);
          expect(await gu.getUser(ada)).not.toBeNull();
          expect(await userCount(gu)).toBe(2);
        }));

      it("the admin search: ?q=%00 in JSON and HTML", () =>
        withApp(async (app, gu) => {
          await gu.createGuestUser({ username: "Alpha" });
          const admin = client(app.url);
          await admin.signIn(gu, await registered(gu, "root_admin"));
          const json = await admin.getJson(`${LIST}?q=%00`);
          expect(json.status).toBe(400);
          expect(await json.json()).toEqual(invalidInput("q"));
          const html = await admin.get(`${LIST}?q=a%00`);
          expect(html.status).toBe(400);
          expect(await html.text()).toContain("NUL character");
          const found = await admin.getJson(`${LIST}?q=alp`);
          expect((await found.json()).guests).toEqual([
            expect.objectContaining({ username: "Alpha" }),
          ]);
        }));
    });
  }
});
