/**
 * Continue links in the core (SQLite, PostgreSQL, MariaDB): stored hashed, used once, gone
 * with their user (the foreign key, or PostgreSQL's set-based trigger) and with the clean-up
 * once expired; `continued` fires once per use.
 */
import { sql } from "kysely";
import { expect, it } from "vitest";
import { LinkExpiredError, type User } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

describeEachDatabase("continue links", (fx) => {
  const clock = testClock(Date.now());
  const open = () => fx.open({ tablePrefix: "cl_", clock: clock.now, continueLinkTtlSeconds: 60 });
  const rowsOf = async (gu: Awaited<ReturnType<typeof open>>, userId: unknown) => {
    const table = sql.table(gu.settings.tables.continueLinks);
    const { rows } = await sql<Record<string, unknown>>`select * from ${table}
      where user_id = ${userId}`.execute(gu.db);
    return rows;
  };

  it("stores only the hash of the secret, and a link works once", async () => {
    const gu = await open();
    const guest = await gu.createGuestUser();
    const continued: User[] = [];
    gu.on("continued", ({ user }) => {
      continued.push(user);
    });
    const { token, expiresAt } = await gu.createContinueLink(guest);
    expect(expiresAt).toBe(clock.now() + 60_000);
    const [row] = await rowsOf(gu, guest.id);
    const secret = token.split(".")[1] as string;
    expect(JSON.stringify(row)).not.toContain(secret);
    expect((await gu.continueLinkInfo(token))?.user.id).toEqual(guest.id);

    expect((await gu.redeemContinueLink(token)).id).toEqual(guest.id);
    await expect(gu.redeemContinueLink(token)).rejects.toBeInstanceOf(LinkExpiredError);
    await expect(gu.redeemContinueLink(token)).rejects.toMatchObject({ code: "LINK_EXPIRED" });
    expect(continued.map((user) => user.id)).toEqual([guest.id]);
    // A wrong secret for a real id is refused and leaves the link alone.
    const other = await gu.createContinueLink(guest);
    const forged = `${other.token.split(".")[0]}.${"x".repeat(43)}`;
    await expect(gu.redeemContinueLink(forged)).rejects.toBeInstanceOf(LinkExpiredError);
    expect((await gu.redeemContinueLink(other.token)).id).toEqual(guest.id);
  });

  it("goes with its user, and the clean-up deletes expired links", async () => {
    const gu = await open();
    const deleted = await gu.createGuestUser();
    await gu.createContinueLink(deleted);
    await gu.deleteUser(deleted, { by: "admin" });
    expect(await rowsOf(gu, deleted.id)).toEqual([]);

    const kept = await gu.createGuestUser();
    const live = await gu.createContinueLink(kept);
    clock.advance(61);
    const fresh = await gu.createContinueLink(kept);
    expect(await gu.continueLinkInfo(live.token)).toBeNull();
    await gu.deleteExpired();
    expect(await rowsOf(gu, kept.id)).toHaveLength(1);
    expect((await gu.redeemContinueLink(fresh.token)).id).toEqual(kept.id);
  });
});
