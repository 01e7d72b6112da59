import { GuestUserError } from "../../index.ts";
import { EXIT, writeLine } from "../io.ts";
import { onMigratedSchema } from "../schema.ts";
import type { Command } from "./context.ts";

/** What the command says it did, e.g. `"ada" is now staff: they may use the guest admin.` */
function outcome(username: string, grant: boolean, changed: boolean): string {
  const name = JSON.stringify(username);
  if (grant)
    return changed
      ? `${name} is now staff: they may use the guest admin.`
      : `${name} is already staff.`;
  return changed ? `${name} is no longer staff.` : `${name} was not staff.`;
}

/**
 * `guest-user staff grant|revoke <username>`: sets or clears a registered user's staff flag
 * (who may use the guest admin by default), found by username as logins find it (without
 * regard to case). No such user: `USER_NOT_FOUND`; granting it to a guest: `NOT_REGISTERED`
 * (exit 1, nothing changed). Granting twice is not an error. Never creates tables.
 * @example
 * ```ts
 * await staff({ guestUsers, database, options: { action: "grant", operand: "ada", dryRun: false, json: false }, io });
 * // prints "ada" is now staff: they may use the guest admin.
 * ```
 */
export const staff: Command = async ({ guestUsers, database, options, io }) => {
  const grant = options.action === "grant";
  const username = options.operand ?? "";
  return onMigratedSchema({ database, guestUsers }, async () => {
    const user = await guestUsers.getUserByUsername(username);
    if (!user) {
      throw new GuestUserError(
        "USER_NOT_FOUND",
        `No user named ${JSON.stringify(username)}: check the spelling (case does not matter), or let the person sign up first.`,
      );
    }
    const changed = await guestUsers.setStaff(user, grant);
    writeLine(io.stdout, outcome(user.username, grant, changed));
    return EXIT.ok;
  });
};
