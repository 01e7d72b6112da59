import { EXIT, writeLine } from "../io.ts";
import type { Command } from "./context.ts";

/**
 * `guest-user migrate`: brings the schema up to date and says what it applied.
 * @example
 * ```ts
 * await migrate({ guestUsers, database, options, io }); // prints "Applied 001-initial"
 * ```
 */
export const migrate: Command = async ({ guestUsers, io }) => {
  const { applied } = await guestUsers.migrate();
  if (applied.length === 0) writeLine(io.stdout, "Schema is up to date");
  for (const name of applied) writeLine(io.stdout, `Applied ${name}`);
  return EXIT.ok;
};
