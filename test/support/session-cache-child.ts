/**
 * One "app server" for the cross-process session cache tests: createGuestUsers() with
 * `sessionCache` on the database of GU_DATABASE (Redis pub/sub when GU_REDIS is set, on
 * channel GU_CHANNEL; GU_INVALIDATION overrides the mode), driven over Node's IPC channel:
 * `{ id, op, ... }` in, `{ id, result }` or `{ id, error }` out. Started by
 * test/support/session-cache-processes.ts with `node --import tsx`.
 */
import { Redis } from "ioredis";
import type { SessionCacheInvalidation } from "../../src/core/config/session-cache-options.ts";
import { createGuestUsers } from "../../src/index.ts";

const redis = process.env.GU_REDIS
  ? new Redis(process.env.GU_REDIS, { connectionName: process.env.GU_REDIS_NAME })
  : undefined;
const guestUsers = createGuestUsers({
  database: process.env.GU_DATABASE,
  passwordHashing: { logN: 10, r: 8, p: 1 },
  logger: { warn() {}, error() {} },
  sessionCache: {
    ttlMs: 60_000,
    redis,
    channel: process.env.GU_CHANNEL || undefined,
    invalidation: (process.env.GU_INVALIDATION || "auto") as SessionCacheInvalidation,
  },
});

guestUsers.on("merged", () => {});

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Command = {
  id: number;
  op: string;
  token?: string;
  userId?: number | string;
  timeoutMs?: number;
};

const operations: Record<string, (command: Command) => Promise<unknown>> = {
  async migrate() {
    return guestUsers.migrate();
  },
  async createGuest() {
    const user = await guestUsers.createGuestUser();
    const { token } = await guestUsers.createSession(user.id);
    return { userId: user.id, token };
  },
  async validate({ token }) {
    return (await guestUsers.validateSession(token))?.user.id ?? null;
  },
  async status() {
    return guestUsers.sessionCacheStatus();
  },
  async waitListening({ timeoutMs = 10_000 }) {
    const until = now() + timeoutMs;
    while (!guestUsers.sessionCacheStatus()?.listening && now() < until) await sleep(2);
    return guestUsers.sessionCacheStatus()?.listening ?? false;
  },
  async waitDown({ timeoutMs = 10_000 }) {
    const until = now() + timeoutMs;
    while (guestUsers.sessionCacheStatus()?.listening && now() < until) await sleep(1);
    return !guestUsers.sessionCacheStatus()?.listening;
  },
  /** Validates every millisecond until refused; answers when (wall-clock ms) it was refused. */
  async watch({ token, timeoutMs = 2000 }) {
    const until = now() + timeoutMs;
    let checks = 0;
    while (now() < until) {
      checks += 1;
      if ((await guestUsers.validateSession(token)) === null) return { refusedAt: now(), checks };
      await sleep(1);
    }
    return { refusedAt: null, checks };
  },
  async logout({ token }) {
    await guestUsers.invalidateSession(token);
    return now();
  },
  async invalidateUser({ userId }) {
    await guestUsers.invalidateUserSessions(userId as number);
    return now();
  },
  async convert({ userId }) {
    const password = "correct horse battery staple";
    const username = `u${Math.random().toString(36).slice(2, 10)}`;
    await guestUsers.convert(userId as number, {
      username,
      password1: password,
      password2: password,
    });
    return now();
  },
  async socialConvert({ userId }) {
    const subject = Math.random().toString(36).slice(2);
    await guestUsers.convertWithIdentity(userId as number, { provider: "github", subject });
    return now();
  },
  /** Logs the guest in to a new registered account, merging it (the guest user goes). */
  async merge({ userId }) {
    const password = "correct horse battery staple";
    const username = `m${Math.random().toString(36).slice(2, 10)}`;
    const into = await guestUsers.createUser({
      username,
      password1: password,
      password2: password,
    });
    const guest = await guestUsers.getUser(userId as number);
    if (!guest || !(await guestUsers.mergeGuest(guest, into))) throw new Error("not merged");
    return now();
  },
  async deleteGuestsAsAdmin({ userId }) {
    if ((await guestUsers.deleteGuests([userId])) !== 1) throw new Error("not deleted");
    return now();
  },
  async deleteUser({ userId }) {
    await guestUsers.deleteUser(userId as number);
    return now();
  },
  async cleanup() {
    await sleep(5);
    const { deleted } = await guestUsers.deleteExpired({ maxAge: 0.001 });
    if (deleted === 0) throw new Error("clean-up deleted nothing");
    return now();
  },
  async close() {
    await guestUsers.close();
    redis?.disconnect();
    setImmediate(() => process.exit(0));
    return true;
  },
};

process.on("message", (command: Command) => {
  const run = operations[command.op];
  if (!run) {
    process.send?.({ id: command.id, error: `unknown op ${command.op}` });
    return;
  }
  run(command).then(
    (result) => process.send?.({ id: command.id, result }),
    (error: unknown) =>
      process.send?.({
        id: command.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
process.send?.({ id: 0, result: "ready" });
