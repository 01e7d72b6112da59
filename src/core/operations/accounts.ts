import { ValidationError } from "../../shared/errors.ts";
import { checkFormText, checkText } from "../../shared/storable-text.ts";
import type { NewUser, UserRow } from "../../store/user-store.ts";
import { normalizeUsername } from "../../store/username-case.ts";
import { refuseReserved } from "../config/reserved-usernames.ts";
import { checkCredentialText } from "../model/credential-text.ts";
import { validateInput } from "../model/forms/standard-schema.ts";
import { hashPassword, needsRehash, verifyPassword } from "../model/passwords.ts";
import { type Credentials, idOf, type User, type UserId, type UserRef } from "../model/types.ts";
import { type Context, findUser, toUser, withDatabase } from "../runtime/context.ts";
import { type AcceptTermsOption, recordTermsAcceptance, termsVersionOf } from "./terms.ts";

/** The error for a username someone else has (compared as {@link normalizeUsername} and case-folded). */
export const usernameTaken = () =>
  new ValidationError({ username: ["A user with that username already exists."] });

/** The row of a user just inserted, as {@link toUser} takes it (`email` left null). */
export const insertedRow = (id: UserId, { username, passwordHash, now }: NewUser): UserRow => ({
  id,
  username,
  email: null,
  passwordHash,
  createdAt: now,
  lastLoginAt: null,
  isStaff: false,
});

/**
 * The credentials of sign-up or conversion `input`, validated with the convert form; the
 * username NFKC-normalized. Throws as `createUser` documents, before any query.
 */
export async function formCredentials(context: Context, input: unknown): Promise<Credentials> {
  const { convertForm: form, tables, reservedUsernames } = context.settings;
  checkFormText(input);
  const result = await validateInput(form.schema, input);
  if (!result.ok) throw new ValidationError(result.fieldErrors);
  const credentials = form.getCredentials(result.value);
  checkCredentialText(credentials, tables.users.usernameMaxLength);
  refuseReserved(reservedUsernames, credentials.username);
  return { ...credentials, username: normalizeUsername(credentials.username) };
}

/** Registered users: password login and sign-up for visitors who never were guests. */
export function accountManager(context: Context) {
  const { db, quirks, settings, users, guests } = context;
  return {
    /**
     * Checks a username and password: the user, or null when either is wrong. The username is
     * compared without regard to case or NFKC form (`"ADA"` logs in as `"ada"`). Always costs one
     * password hash, so timing never reveals which usernames exist. Guests (no usable password)
     * never log in this way. A username no database can look up throws `INVALID_INPUT`
     * (`InvalidInputError`).
     * @example
     * ```ts
     * const user = await guestUsers.authenticate({ username, password });
     * if (user) setCookie((await guestUsers.createSession(user.id)).token);
     * ```
     */
    async authenticate({
      username,
      password,
    }: Pick<Credentials, "username" | "password">): Promise<User | null> {
      if (typeof username !== "string" || typeof password !== "string" || password.length > 4096)
        return null;
      checkText("username", username);
      const row = await withDatabase(context, () => users.findByUsername(db, username));
      const matches = await verifyPassword(
        row?.passwordHash ?? null,
        password,
        settings.passwordHashing,
      );
      if (!row || !matches) return null;
      const now = settings.clock();
      await withDatabase(context, async () => {
        await users.recordLogin(db, row.id, now);
        if (row.passwordHash && needsRehash(row.passwordHash, settings.passwordHashing)) {
          const passwordHash = await hashPassword(password, settings.passwordHashing);
          await users.setCredentials(db, row.id, {
            username: row.username,
            passwordHash,
            email: null,
          });
        }
      });
      return toUser({ ...row, lastLoginAt: now }, false);
    },

    /**
     * Creates a registered user from sign-up input, validated with the convert form (same
     * fields, same password rules). The username is stored NFKC-normalized; one that differs
     * from an existing username only in case or NFKC form is taken (`"ada"` after `"Ada"`).
     * Throws `VALIDATION_FAILED` for bad input, a taken name or one in `reservedUsernames`
     * ("This username is reserved."), `INVALID_INPUT` (`InvalidInputError`) for a field no
     * database can store (a username or e-mail longer than its column included).
     * @default options {} (no terms acceptance recorded)
     * @example
     * ```ts
     * const user = await guestUsers.createUser({ username: "ada", password1: pw, password2: pw });
     * ```
     */
    async createUser(input: unknown, options: AcceptTermsOption = {}): Promise<User> {
      const termsVersion = termsVersionOf(options);
      const credentials = await formCredentials(context, input);
      const { username } = credentials;
      if (await withDatabase(context, () => users.findByUsername(db, username)))
        throw usernameTaken();
      const passwordHash = await hashPassword(credentials.password, settings.passwordHashing);
      const now = settings.clock();
      return withDatabase(context, async () => {
        try {
          const user = { username, passwordHash, email: credentials.email ?? null, now };
          // With terms: the user and its acceptance in ONE transaction.
          const id =
            termsVersion === null
              ? await users.insertUser(db, user)
              : await db.transaction().execute(async (trx) => {
                  const created = await users.insertUser(trx, user);
                  await recordTermsAcceptance(context, trx, created, termsVersion, now);
                  return created;
                });
          return toUser((await users.findById(db, id)) ?? insertedRow(id, user), false);
        } catch (error) {
          if (quirks.isUniqueViolation(error)) throw usernameTaken();
          throw error;
        }
      });
    },

    /**
     * Loads a user by id with a fresh guest flag, or null when no such user exists.
     * @example
     * ```ts
     * const user = await guestUsers.getUser(42);
     * ```
     */
    async getUser(user: UserRef): Promise<User | null> {
      return withDatabase(context, () => findUser(context, db, idOf(user)));
    },

    /**
     * Loads a user by username, compared as logins compare it (NFKC, without regard to
     * case: `"ADA"` finds `"ada"`), with a fresh guest flag; null when no user has it
     * (an empty name, or one with a NUL character, included).
     * @example
     * ```ts
     * const ada = await guestUsers.getUserByUsername("ada");
     * ```
     */
    async getUserByUsername(username: string): Promise<User | null> {
      // No username holds a NUL (PostgreSQL would refuse the query): nobody has such a name.
      if (typeof username !== "string" || username === "" || username.includes("\u0000"))
        return null;
      return withDatabase(context, async () => {
        const row = await users.findByUsername(db, username);
        return row ? toUser(row, (await guests.find(db, row.id)) !== undefined) : null;
      });
    },
  };
}
