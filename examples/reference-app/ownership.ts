/**
 * The `ownership` option of the reference app's tables (owned-data.ts), in a module of its own
 * with no imports, so that the CLI config module (guest-user.config.ts) can share it.
 */
export const OWNERSHIP = {
  tables: [
    { table: "notes", column: "user_id" }, // moved to the account on log-in
    { table: "carts", column: "user_id", onMerge: "keepAccount" }, // one per user: the account's wins
  ],
} as const;
