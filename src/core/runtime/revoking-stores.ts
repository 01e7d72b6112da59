import type { UserId } from "../../shared/ids.ts";
import type { Db } from "../../store/dialect.ts";
import type { UserStore } from "../../store/user-store.ts";
import type { Context } from "./context.ts";
import type { SessionCacheRuntime } from "./session-cache-runtime.ts";

/**
 * `target` with some methods replaced, built once (the lookup path reads these stores on
 * every request): every other method bound to `target` (a class instance's private fields
 * keep working), every other property read from it when read.
 */
function override<T extends object>(target: T, overrides: Partial<T>): T {
  const wrapped: Record<PropertyKey, unknown> = {};
  for (let level: object | null = target; level && level !== Object.prototype; ) {
    for (const key of Reflect.ownKeys(level)) {
      if (key === "constructor" || Object.hasOwn(wrapped, key) || Object.hasOwn(overrides, key))
        continue;
      const value: unknown = Reflect.get(target, key);
      if (typeof value === "function") wrapped[key] = value.bind(target);
      else Object.defineProperty(wrapped, key, { get: () => Reflect.get(target, key) });
    }
    level = Object.getPrototypeOf(level) as object | null;
  }
  return Object.assign(wrapped, overrides) as T;
}

/**
 * The context with the session cache plugged in: every store write that deletes a session
 * or changes what the session lookup answers (the user row, the guest flag) revokes it, in
 * this process at once and on every other server through the channel. Core code that goes
 * through `context.sessions`, `context.users` and `context.guests` (logout,
 * `invalidateUserSessions`, conversions, merges, deletions, password changes and re-hashes,
 * logins) thus revokes without knowing the cache exists. What the stores cannot see (the
 * clean-up's and admin's bulk DELETEs, whose sessions cascade) calls `runtime.revoke` itself.
 *
 * Not revoked: `sessions.deleteExpired` (a cached entry carries its own expiry, never later
 * than the row's, so it is refused at the same moment) and `sessions.extend` / `guests.touch`
 * (a cached expiry that lags behind the row's only sends a request to the database).
 */
export function withRevocations(context: Context, runtime: SessionCacheRuntime): Context {
  const { sessions, users, guests } = context;
  /** `write(db, userId, ...)`, then the user's sessions revoked (unless it counted 0 rows). */
  const revokeAfter =
    <A extends [Db, UserId, ...unknown[]], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      if (result !== 0) await runtime.revoke(args[0], { users: [args[1]] });
      return result;
    };
  return {
    ...context,
    sessionCache: runtime,
    sessions: override(sessions, {
      async delete(db: Db, id: string) {
        await sessions.delete(db, id);
        await runtime.revoke(db, { sessions: [id] });
      },
      deleteForUser: revokeAfter(sessions.deleteForUser.bind(sessions)),
    }),
    guests: override(guests, { delete: revokeAfter(guests.delete.bind(guests)) }),
    users: override<UserStore>(users, {
      setCredentials: revokeAfter(users.setCredentials.bind(users)),
      deleteUser: revokeAfter(users.deleteUser.bind(users)),
      recordLogin: revokeAfter(users.recordLogin.bind(users)),
    }),
  };
}
