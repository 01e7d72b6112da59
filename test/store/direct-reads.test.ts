import { sql } from "kysely";
import { expect, it, vi } from "vitest";
import { blockOuterQueries } from "../../src/store/outer-queries.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

// The hot path's lookup skips Kysely's executor on a database guest-user opened from a URL
// (src/store/direct-reads.ts): same answers, and never a read of another request's open
// transaction.
describeEachDatabase("session lookup straight to the driver", (fx) => {
  it("answers a returning visitor without Kysely's executor, the same user", async () => {
    const gu = await fx.open();
    const { user, session } = await gu.createGuestSession();
    const executed = vi.spyOn(gu.db, "executeQuery");
    const found = await gu.validateSession(session.token);
    expect(found?.user.id).toBe(user.id);
    expect(found?.user.isGuest).toBe(true);
    expect(await gu.validateSession(`${session.token.split(".")[0]}.forged`)).toBeNull();
    expect(executed).not.toHaveBeenCalled();
  });

  it("sees a session ended in another transaction only once that transaction commits", async () => {
    const gu = await fx.open();
    const { session } = await gu.createGuestSession();
    const id = session.token.split(".")[0] as string;
    const sessions = sql.table(gu.settings.tables.sessions);
    let lookup: Promise<unknown> | undefined;
    await gu.db
      .transaction()
      .execute(async (trx) => {
        await sql`delete from ${sessions} where id = ${id}`.execute(trx);
        // Another request looks the visitor up while the deletion is not committed.
        lookup = gu.validateSession(session.token);
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("rolled back");
      })
      .catch(() => {});
    // Rolled back: the session was never ended, and the lookup must not have seen it gone.
    expect(await lookup).not.toBeNull();
    expect(await gu.validateSession(session.token)).not.toBeNull();
  });

  it("is refused, like every outer query, while outer queries are blocked", async () => {
    const gu = await fx.open();
    const { session } = await gu.createGuestSession();
    const refused = new Error("use the transaction");
    await expect(
      blockOuterQueries(
        () => refused,
        () => gu.validateSession(session.token),
      ),
    ).rejects.toBe(refused);
  });
});
