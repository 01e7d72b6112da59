import type { Db } from "../../store/dialect.ts";
import type { GuestData } from "../../store/guest-store.ts";
import { identityQueries } from "../../store/identity-store.ts";
import { type OwnedRow, ownedTableQueries, sessionTimesOf } from "../../store/owned-tables.ts";
import { termsQueries } from "../../store/terms-store.ts";
import type { OwnedTable } from "../config/ownership-options.ts";
import { idOf, type User, type UserId, type UserRef } from "../model/types.ts";
import { type Context, findUser, withDatabase } from "../runtime/context.ts";

/**
 * Moves the rows of every owned table (the `ownership` option) from the guest `from` to the
 * account `to`, through `trx` (the merge's transaction), each table as its `onMerge` says.
 */
export async function mergeOwnedRows(
  context: Context,
  trx: Db,
  from: UserId,
  to: UserId,
): Promise<void> {
  for (const owned of context.settings.ownership.tables) await mergeTable(trx, owned, from, to);
}

async function mergeTable(trx: Db, owned: Required<OwnedTable>, from: UserId, to: UserId) {
  const { onMerge } = owned;
  if (typeof onMerge === "function") {
    await onMerge({ db: trx, table: owned.table, column: owned.column, from, to });
    return;
  }
  if (onMerge === "keepAccount" && (await ownedTableQueries.owns(trx, owned, to))) {
    // A clash: the account's rows win, the guest's are dropped.
    await ownedTableQueries.deleteOf(trx, owned, from);
    return;
  }
  if (onMerge === "keepGuest" && (await ownedTableQueries.owns(trx, owned, from)))
    await ownedTableQueries.deleteOf(trx, owned, to);
  await ownedTableQueries.move(trx, owned, from, to);
}

/** What `guestUsers.exportUser()` returns: a user's data, as JSON. */
export interface UserExport {
  /** When the export was made (ISO 8601). */
  readonly exportedAt: string;
  /** The user (no password hash: `hasPassword` says whether one is set). */
  readonly user: User;
  /** The guest row (null for a registered user). */
  readonly guest: {
    readonly createdAt: number;
    readonly lastSeenAt: number;
    readonly data: GuestData | null;
  } | null;
  /** The user's sessions, without their ids or secrets. */
  readonly sessions: readonly { readonly createdAt: number; readonly expiresAt: number }[];
  /** The social-login identities linked to the user. */
  readonly identities: readonly {
    readonly provider: string;
    readonly subject: string;
    readonly email: string | null;
    readonly createdAt: number;
  }[];
  /** The terms version the user accepted, or null. */
  readonly termsAcceptance: { readonly version: string; readonly acceptedAt: number } | null;
  /** Every owned table (the `ownership` option) by name: the user's rows, every column. */
  readonly tables: Readonly<Record<string, readonly OwnedRow[]>>;
}

/** The data export: a user's rows from our tables and every owned table. */
export function exportManager(context: Context) {
  const { db, settings, guests, quirks } = context;
  const identities = identityQueries(settings.tables, quirks.usernames);
  const terms = termsQueries(settings.tables, quirks.upserts);
  return {
    /**
     * A user's data as JSON-ready values, read in ONE transaction (a consistent snapshot): the
     * user (no password hash), its guest row, its sessions (times only, no tokens), its
     * social-login identities, its terms acceptance, and its rows of every table of the
     * `ownership` option. Null for an unknown user. The account page's "Download my data"
     * (`GET /accounts/export/`) serves it to the signed-in user.
     * @example
     * ```ts
     * const data = await guestUsers.exportUser(user.id);
     * if (data) console.log(JSON.stringify(data.tables.notes));
     * ```
     */
    async exportUser(user: UserRef): Promise<UserExport | null> {
      const id = idOf(user);
      return withDatabase(context, () =>
        db.transaction().execute(async (trx) => {
          const found = await findUser(context, trx, id);
          if (!found) return null;
          const guest = await guests.find(trx, id);
          const tables: Record<string, OwnedRow[]> = {};
          for (const owned of settings.ownership.tables)
            tables[owned.table] = await ownedTableQueries.rowsOf(trx, owned, id);
          const acceptance = await terms.find(trx, id);
          return {
            exportedAt: new Date(settings.clock()).toISOString(),
            user: found,
            guest: guest
              ? { createdAt: guest.createdAt, lastSeenAt: guest.lastSeenAt, data: guest.data }
              : null,
            sessions: await sessionTimesOf(trx, settings.tables.sessions, id),
            identities: (await identities.listForUser(trx, id)).map(
              ({ provider, subject, email, createdAt }) => ({
                provider,
                subject,
                email,
                createdAt,
              }),
            ),
            termsAcceptance: acceptance ?? null,
            tables,
          };
        }),
      );
    },
  };
}
