/**
 * The reference app's owned data (issue 20) as a real process over real HTTP, on SQLite and
 * PostgreSQL (and MariaDB when its server answers): a guest's notes and cart follow it into an
 * existing account on log-in (the cart by `onMerge: "keepAccount"`), "Download my data" gives
 * the signed-in user exactly its own rows, and `keepIf: "ownsData"` (the app's
 * `GUEST_USER_KEEP_IF` and the CLI's `delete-expired --config`) keeps a guest with a note and
 * deletes one without.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterName } from "../../examples/reference-app/config.ts";
import { createGuestUsers } from "../../src/index.ts";
import { cli } from "../cli/support.ts";
import {
  availableDialects,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import {
  assertBuilt,
  Client,
  PASSWORD,
  ROOT,
  type RunningApp,
  registeredClient,
  startApp,
} from "./harness.ts";

const OWNED = { GUEST_USER_OWNED_TABLES: "notes", GUEST_USER_KEEP_IF: "ownsData" };

/** POSTs JSON, answering the status and the parsed body. */
async function postJson(client: Client, path: string, body: unknown) {
  const response = await client.fetch(path, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const getJson = async (client: Client, path: string) =>
  (await client.fetch(path, { headers: { accept: "application/json" } })).json();

const bodiesOf = async (client: Client) =>
  ((await getJson(client, "/notes/")) as { notes: { id: number; body: string }[] }).notes.map(
    (note) => note.body,
  );

export function describeOwnedData(adapter: AdapterName) {
  const available = availableDialects();
  for (const dialect of ["sqlite", "postgres", "mysql"] as const) {
    const run = available.includes(dialect) ? describe : describe.skip;
    run(`reference app owned data: ADAPTER=${adapter} on ${dialect}`, () => {
      let database: IsolatedDatabase | undefined;
      let app: RunningApp | undefined;
      let expiring: RunningApp | undefined;

      beforeAll(async () => {
        assertBuilt();
        database = await isolatedDatabase(dialect);
        const env = { ADAPTER: adapter, DATABASE_URL: database.url, ...OWNED };
        app = await startApp(env);
        expiring = await startApp({ ...env, GUEST_USER_MAX_AGE: "1" });
      });
      afterAll(async () => {
        for (const running of [app, expiring]) {
          const exit = await running?.process.stop("SIGTERM");
          expect(exit, running?.process.output).toEqual({ code: 0, signal: null });
        }
        await database?.drop();
      });

      it("a guest's notes and cart follow it into an existing account on log-in; the account's cart wins", async () => {
        const base = (app as RunningApp).url;
        const { client: owner, username } = await registeredClient(base);
        expect((await postJson(owner, "/notes/", { body: "account note" })).status).toBe(201);
        expect((await postJson(owner, "/cart/", { items: ["account item"] })).status).toBe(200);

        const guest = new Client(base);
        const first = await postJson(guest, "/notes/", { body: "guest note 1" });
        expect(first).toMatchObject({ status: 201, body: { note: { body: "guest note 1" } } });
        expect(await guest.whoami()).toMatchObject({ isGuest: true }); // made on the first write
        const form = await guest.fetch("/notes/", {
          method: "POST",
          headers: {
            accept: "application/json",
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({ body: "guest note 2" }).toString(),
        });
        expect(form.status).toBe(201);
        await postJson(guest, "/cart/", { items: ["guest item"] });
        expect(await getJson(guest, "/cart/")).toEqual({ cart: { items: ["guest item"] } });
        expect(await bodiesOf(guest)).toEqual(["guest note 1", "guest note 2"]);

        const login = await guest.submit("/accounts/login/", { username, password: PASSWORD });
        expect(login.status).toBe(302);
        expect(await guest.whoami()).toMatchObject({ username, isGuest: false });
        expect(await bodiesOf(guest)).toEqual(["account note", "guest note 1", "guest note 2"]);
        expect(await getJson(guest, "/cart/")).toEqual({ cart: { items: ["account item"] } });

        // An account without a cart gets the guest's.
        const { username: other } = await registeredClient(base);
        const second = new Client(base);
        await postJson(second, "/cart/", { items: "pears" });
        await second.submit("/accounts/login/", { username: other, password: PASSWORD });
        expect(await getJson(second, "/cart/")).toEqual({ cart: { items: "pears" } });
        // A new visitor (a guest, made on its visit) has none.
        expect(await getJson(new Client(base), "/notes/")).toEqual({ notes: [] });
      });

      it("GET /accounts/export/ downloads exactly the signed-in user's own data", async () => {
        const base = (app as RunningApp).url;
        const { client, user } = await registeredClient(base);
        await postJson(client, "/notes/", { body: "exported" });
        const stranger = new Client(base);
        await postJson(stranger, "/notes/", { body: "not mine" });
        const response = await client.fetch("/accounts/export/");
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        expect(response.headers.get("content-disposition")).toMatch(
          /^attachment; filename="my-data-[\w-]+\.json"$/,
        );
        const data = (await response.json()) as {
          user: { id: unknown; username: string };
          guest: unknown;
          sessions: Record<string, unknown>[];
          tables: { notes: { body: string; user_id: unknown }[]; carts: unknown[] };
        };
        expect(data.user).toMatchObject({ id: user.id, username: user.username });
        expect(data.guest).toBeNull();
        expect(data.tables.notes.map((note) => note.body)).toEqual(["exported"]);
        expect(data.tables.notes.every((note) => String(note.user_id) === String(user.id))).toBe(
          true,
        );
        expect(data.tables.carts).toEqual([]);
        expect(JSON.stringify(data)).not.toMatch(/passwordHash|secret|token|scrypt/i);
        const profile = await client.html("/accounts/profile/");
        expect(profile).toContain('href="/accounts/export/"');
        expect(profile).toContain("Download my data");
        const anonymous = await new Client(base).fetch("/accounts/export/", {
          headers: { accept: "text/html" },
        });
        expect(anonymous.status).toBe(302);
        expect(anonymous.headers.get("location")).toBe("/accounts/login/?next=/accounts/export/");
      });

      it('keepIf "ownsData": delete-expired --config keeps a guest with a note and deletes one without', async () => {
        const base = (expiring as RunningApp).url;
        const keeper = new Client(base);
        await postJson(keeper, "/notes/", { body: "keep me" });
        const kept = await keeper.whoami();
        const loser = new Client(base);
        const gone = (await loser.json("/allow_guest_user/")).user;
        expect(gone?.isGuest).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 1500)); // GUEST_USER_MAX_AGE=1
        const config = join(ROOT, "examples", "reference-app", "guest-user.config.ts");
        const env = { DATABASE_URL: (database as IsolatedDatabase).url };
        const run = await cli(["delete-expired", "--config", config, "--max-age", "1"], { env });
        expect(run.stderr).toBe("Using config ./examples/reference-app/guest-user.config.ts\n");
        expect(run.stdout).toMatch(/^Deleted [1-9]\d* expired guests? .*retention\.keepIf\.\n$/);
        const check = createGuestUsers({ database: (database as IsolatedDatabase).url });
        try {
          expect(await check.getUser(gone?.id ?? -1)).toBeNull();
          expect(await check.getUser(kept?.id ?? -1)).toMatchObject({ isGuest: true });
        } finally {
          await check.close();
        }
        expect(await bodiesOf(keeper)).toEqual(["keep me"]);
      });
    });
  }
}
