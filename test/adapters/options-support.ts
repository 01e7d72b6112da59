/** What the unknown-options and known-options tests of the entry points share. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createGuestUsers, type GuestUsers } from "../../src/core/guest-users.ts";
import { createGuestUserHttp, type GuestUserHttp } from "../../src/http/guest-user-http.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { FAST_HASHING } from "../support/guest-users.ts";

export const CLIENT = { clientId: "id", clientSecret: "secret" };
/** Next's `headers()` and `cookies()`, as the adapter takes them. */
export const nextApi = {
  headers: async () => new Headers({ host: "localhost:3000", "user-agent": BROWSER_USER_AGENT }),
  cookies: async () => ({ set: () => undefined }),
};
export const nextResponses = { next: () => new Response(null) };
export const ok = async () => new Response("ok");

/**
 * A migrated GuestUsers on a SQLite file of its own and its web layer, for the file's tests
 * (made before them, closed and removed after).
 */
export function migratedApp(): { guestUsers(): GuestUsers; http(): GuestUserHttp } {
  let dir = "";
  let guestUsers: GuestUsers | undefined;
  let http: GuestUserHttp | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "guest-user-adapter-options-"));
    guestUsers = createGuestUsers({
      database: `sqlite:${join(dir, "app.sqlite3")}`,
      secret: "u".repeat(40),
      passwordHashing: FAST_HASHING,
    });
    await guestUsers.migrate();
    http = createGuestUserHttp(guestUsers);
  });
  afterAll(async () => {
    await guestUsers?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { guestUsers: () => guestUsers as GuestUsers, http: () => http as GuestUserHttp };
}
