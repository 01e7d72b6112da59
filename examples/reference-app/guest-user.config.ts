/**
 * The CLI's config for the reference app with `GUEST_USER_OWNED_TABLES=notes` and
 * `GUEST_USER_KEEP_IF=ownsData`: the same ownership and retention rule, so that
 *
 *   DATABASE_URL=... npx guest-user delete-expired --config examples/reference-app/guest-user.config.ts
 *
 * keeps the guests owning a note or a cart, as the app does (`--max-age <seconds>` as the
 * app's `GUEST_USER_MAX_AGE`; the library's 14 days without). The database is `DATABASE_URL`.
 */
import type { GuestUsersOptions } from "guest-user";
import { OWNERSHIP } from "./ownership.ts";

export default {
  ownership: OWNERSHIP,
  retention: { keepIf: "ownsData" },
} satisfies GuestUsersOptions;
