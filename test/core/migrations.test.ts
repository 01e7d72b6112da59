import { sql } from "kysely";
import { expect, it } from "vitest";
import { createGuestUsers, type GuestUsers, type GuestUsersOptions } from "../../src/index.ts";
import { describeEachDatabase, FAST_HASHING, testClock } from "../support/guest-users.ts";
import { MIGRATIONS } from "../support/migrations.ts";

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;
const OUR_TABLES = [
  "continue_links",
  "funnel_days",
  "guests",
  "identities",
  "leases",
  "migrations",
  "migrations_lock",
  "sessions",
  "terms_acceptances",
  "users",
];

describeEachDatabase("migrations", (fx) => {
  /** Runs `body` with `count` GuestUsers on the test database that have NOT migrated yet. */
  async function withInstances<T>(
    count: number,
    options: GuestUsersOptions,
    body: (instances: GuestUsers[]) => Promise<T>,
  ): Promise<T> {
    const instances = Array.from({ length: count }, () =>
      createGuestUsers({
        passwordHashing: FAST_HASHING,
        ...options,
        database: fx.database().url,
      }),
    );
    try {
      return await body(instances);
    } finally {
      await Promise.all(instances.map((gu) => gu.close()));
    }
  }

  async function tablesWith(gu: GuestUsers, prefix: string): Promise<string[]> {
    const tables = await gu.db.introspection.getTables({ withInternalKyselyTables: true });
    return tables
      .map((t) => t.name)
      .filter((name) => name.startsWith(prefix))
      .map((name) => name.slice(prefix.length))
      .sort();
  }

  async function appliedMigrations(gu: GuestUsers, prefix: string): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`select name
      from ${sql.table(`${prefix}migrations`)} order by name`.execute(gu.db);
    return rows.map((r) => r.name);
  }

  it("creates our tables once; a second migrate() does nothing", async () => {
    await withInstances(1, {}, async ([gu]) => {
      if (!gu) throw new Error("no instance");
      expect(await tablesWith(gu, "guest_user_")).toEqual([]);

      expect(await gu.migrate()).toEqual({ applied: MIGRATIONS });
      expect(await tablesWith(gu, "guest_user_")).toEqual(OUR_TABLES);
      const user = await gu.createGuestUser();

      expect(await gu.migrate()).toEqual({ applied: [] });
      expect(await appliedMigrations(gu, "guest_user_")).toEqual(MIGRATIONS);
      // Nothing was recreated: the guest made before is still there.
      expect(await gu.getUser(user)).toMatchObject({ id: user.id, isGuest: true });
    });
  });

  // BUG (SQLite): Kysely's migration lock is a no-op on SQLite (it assumes one connection),
  // but every GuestUsers (every server process) opens its own connection to the file. All six
  // see no migration applied, all run it, and five fail inserting "001-initial" into
  // <prefix>migrations (UNIQUE constraint), reported as DATABASE_UNAVAILABLE.
  it("lets six servers migrate at the same moment", async () => {
    await withInstances(6, { tablePrefix: "race_" }, async (instances) => {
      const results = await Promise.allSettled(instances.map((gu) => gu.migrate()));

      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const applied = results.flatMap((r) => (r.status === "fulfilled" ? r.value.applied : []));
      expect(applied).toEqual(MIGRATIONS);
      const [first, second] = instances as [GuestUsers, GuestUsers];
      expect(await tablesWith(first, "race_")).toEqual(OUR_TABLES);
      expect(await appliedMigrations(first, "race_")).toEqual(MIGRATIONS);
      // Every instance works on the one schema.
      const user = await second.createGuestUser();
      expect(await first.isGuestUser(user)).toBe(true);
    });
  });

  it('with tablePrefix "myapp_" uses myapp_ tables, beside another prefix', async () => {
    const clock = testClock();
    await withInstances(1, { clock: clock.now, maxAge: DAY }, async ([plain]) => {
      if (!plain) throw new Error("no instance");
      const mine = await fx.open({ tablePrefix: "myapp_", clock: clock.now, maxAge: DAY });
      const theirs = await fx.open({ tablePrefix: "other_", clock: clock.now, maxAge: DAY });
      expect(await tablesWith(plain, "myapp_")).toEqual(OUR_TABLES);
      expect(await tablesWith(plain, "other_")).toEqual(OUR_TABLES);
      expect(mine.settings.tables).toMatchObject({
        guests: "myapp_guests",
        sessions: "myapp_sessions",
        users: { table: "myapp_users" },
      });

      const a = await mine.createGuestUser({ username: "same_name" });
      const b = await theirs.createGuestUser({ username: "same_name" });
      // Each prefix has its own users: the same name is free in both.
      expect(a.username).toBe("same_name");
      expect(b.username).toBe("same_name");
      const { rows } = await sql<{ username: string }>`select username
        from myapp_users`.execute(plain.db);
      expect(rows).toEqual([{ username: "same_name" }]);
      const { session } = await mine.createGuestSession();
      expect(await theirs.validateSession(session.token)).toBeNull();
      expect((await mine.validateSession(session.token))?.user.isGuest).toBe(true);

      await theirs.convert(b, { username: "converted", password1: PASSWORD, password2: PASSWORD });
      expect(await mine.getUser(a)).toMatchObject({ username: "same_name", isGuest: true });
      clock.advance(2 * DAY);
      expect(await theirs.deleteExpired()).toMatchObject({ deleted: 0 });
      expect(await mine.stats()).toEqual({ guests: 2, expired: 2, kept: 0 });
      expect(await mine.deleteExpired()).toMatchObject({ deleted: 2 });
      expect(await theirs.getUser(b)).toMatchObject({ username: "converted", isGuest: false });

      expect(() => createGuestUsers({ tablePrefix: "my-app" })).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG", option: "tablePrefix" }),
      );
    });
  });

  it("unmigrate() drops our tables, and only ours", async () => {
    await withInstances(2, {}, async ([doomed, kept]) => {
      if (!doomed || !kept) throw new Error("no instance");
      const doomedOptions = { tablePrefix: "doomed_" };
      const gu = await fx.open(doomedOptions);
      const survivor = await fx.open({ tablePrefix: "kept_" });
      const user = await survivor.createGuestUser();
      await gu.createGuestUser();

      expect(await gu.unmigrate()).toEqual({ applied: [...MIGRATIONS].reverse() });

      // The data tables are gone; Kysely's own bookkeeping tables stay, and record nothing.
      expect(await tablesWith(doomed, "doomed_")).toEqual(["migrations", "migrations_lock"]);
      expect(await appliedMigrations(doomed, "doomed_")).toEqual([]);
      await expect(gu.createGuestUser()).rejects.toThrow();
      expect(await tablesWith(kept, "kept_")).toEqual(OUR_TABLES);
      expect(await survivor.isGuestUser(user)).toBe(true);

      expect(await gu.unmigrate()).toEqual({ applied: [] });
      expect(await gu.migrate()).toEqual({ applied: MIGRATIONS });
      expect(await gu.stats()).toEqual({ guests: 0, expired: 0, kept: 0 });
    });
  });
});
