import type { StandardSchemaV1 } from "@standard-schema/spec";

import type { UserId } from "../../shared/ids.ts";

export type { UserId } from "../../shared/ids.ts";

/**
 * A user as this library sees it: the columns it knows of, plus whether the user is
 * (still) a guest. Objects are snapshots: after a conversion, load the user again.
 */
export interface User {
  readonly id: UserId;
  readonly username: string;
  readonly email: string | null;
  /** True while a guest row exists for this user. */
  readonly isGuest: boolean;
  /** Milliseconds since the epoch; `null` when the app's own users table has no such column. */
  readonly createdAt: number | null;
  /** Milliseconds since the epoch of the last password login; `null` if never. */
  readonly lastLoginAt: number | null;
  /**
   * True for staff: who may use the guest admin by default (`adminViews` without
   * `canAccess`). Set with `guest-user staff grant <username>` or `guestUsers.setStaff()`;
   * never true for a guest. False when the app's own users table maps no `isStaff` column.
   */
  readonly isStaff: boolean;
  /**
   * True when the user can log in with a password (signed up or converted with a form);
   * false for guests and for accounts made only through a social identity.
   */
  readonly hasPassword: boolean;
}

/** Anything that names a user: the user object or its id. */
export type UserRef = Pick<User, "id"> | UserId;

/** The id of the user `user` names. */
export const idOf = (user: UserRef): UserId => (typeof user === "object" ? user.id : user);

/**
 * What a clean-up did: `deleteExpired()`'s answer, and what the `cleanup` schedule's `onRun`
 * gets (so it lives here, below the options and the operation both).
 */
export interface DeleteExpiredResult {
  /** Users deleted (0 in a dry run). */
  readonly deleted: number;
  /** Expired guests found when the run started. */
  readonly expired: number;
  /**
   * Guests the `retention.keepIf` rule matched when the run started (0 without a rule);
   * those past `maxAgeIfKept` count in `expired` too.
   */
  readonly kept: number;
  /** Expired session rows deleted (0 in a dry run). */
  readonly sessionsDeleted: number;
  readonly dryRun: boolean;
}

/**
 * A social-login identity: who the provider says the visitor is (OpenID Connect claims or a
 * provider's user API, already verified by the OAuth flow).
 */
export interface Identity {
  /** The provider's name in this app, e.g. `"github"`, `"google"`, `"oidc"`. */
  readonly provider: string;
  /** The provider's stable user id (OIDC `sub`). Unique per provider. */
  readonly subject: string;
  /** The e-mail the provider gives, if any. @default null */
  readonly email?: string | null;
  /** True when the provider verified the e-mail. @default false */
  readonly emailVerified?: boolean;
  /** The username the provider suggests (OIDC `preferred_username`, GitHub `login`). @default null */
  readonly preferredUsername?: string | null;
  /** The display name. @default null */
  readonly name?: string | null;
}

/** What a convert or signup form yields to log the user in: the reference's `get_credentials()`. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** Saved on the user row when given. */
  readonly email?: string | null;
}

/**
 * A form that turns a guest into a registered user: any Standard Schema validator (zod,
 * valibot, arktype, or our built-in `userCreationForm()`) plus `getCredentials`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const convertForm: ConvertForm<{ email: string; password: string }> = {
 *   schema: z.object({ email: z.string().email(), password: z.string().min(12) }),
 *   getCredentials: (value) => ({ username: value.email, email: value.email, password: value.password }),
 * };
 * ```
 */
export interface ConvertForm<Output = unknown> {
  /** Validates the raw input (form fields or JSON body). */
  readonly schema: StandardSchemaV1<unknown, Output>;
  /**
   * The inputs the HTML views render, in order.
   * @default [username, password1, password2] for userCreationForm(); required for HTML forms of custom schemas
   */
  readonly fields?: readonly FormField[];
  /** Turns the validated value into the credentials to save and to log in with. */
  getCredentials(value: Output): Credentials;
}

/** One input of a rendered form. */
export interface FormField {
  /** The field name, as the schema expects it. */
  readonly name: string;
  /** The visible label. */
  readonly label: string;
  /** @default "text" */
  readonly type?: "text" | "password" | "email";
  /** The browser's autocomplete hint, e.g. "username" or "new-password". */
  readonly autocomplete?: string;
  /** Help shown under the input. */
  readonly help?: string;
}
