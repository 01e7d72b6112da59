import type { RateLimit } from "../../limits/types.ts";
import type { KeysOf } from "../../shared/option-keys.ts";
import type { UsersTableOptions } from "../../store/tables.ts";
import type { GuestUsers } from "../guest-users.ts";
import type { ScryptParams } from "../model/passwords.ts";
import type { DeleteGuestsOptions, ListGuestsOptions } from "../operations/admin.ts";
import type { DeleteExpiredOptions } from "../operations/cleanup.ts";
import type { DeleteUserOptions } from "../operations/deletion.ts";
import type { FunnelOptions } from "../operations/funnel.ts";
import type { CreateGuestUserInput } from "../operations/guests.ts";
import type { AcceptTermsOption } from "../operations/terms.ts";
import { CLEANUP_SCHEDULE_OPTION_KEYS } from "./cleanup-schedule-options.ts";
import type { CookieOptions, GuestUsersOptions, SessionOptions, TermsOptions } from "./options.ts";
import { RETENTION_OPTION_KEYS } from "./retention-options.ts";
import { SESSION_CACHE_OPTION_KEYS } from "./session-cache-options.ts";

/**
 * The option keys `createGuestUsers()` knows, at every level: an unknown one (`databse`,
 * `session.maxAgee`) fails at start-up with `INVALID_CONFIG` and the closest known key. Each
 * spec `satisfies KeysOf<...>` its option type, so an option added to a type without its key
 * here does not compile. `true` marks values taken as they are (scalars, functions, arrays,
 * and user objects: a Kysely instance or pool, a user store, a logger, a limit store, a meter,
 * a form), which are never looked into.
 */

/** The keys of {@link SessionOptions}. */
export const SESSION_OPTION_KEYS = {
  maxAge: true,
  refreshInterval: true,
} as const satisfies KeysOf<SessionOptions>;

/** The keys of {@link CookieOptions}. */
export const COOKIE_OPTION_KEYS = {
  name: true,
  secure: true,
  domain: true,
  path: true,
} as const satisfies KeysOf<CookieOptions>;

/** The keys of {@link TermsOptions}. */
export const TERMS_OPTION_KEYS = {
  version: true,
  url: true,
} as const satisfies KeysOf<TermsOptions>;

/** The keys of a {@link RateLimit} (`guestCreationLimit`, `loginLimit`). */
export const RATE_LIMIT_KEYS = {
  max: true,
  windowSeconds: true,
} as const satisfies KeysOf<RateLimit>;

/** The keys of {@link ScryptParams} (`passwordHashing`). */
export const SCRYPT_PARAMS_KEYS = {
  logN: true,
  r: true,
  p: true,
} as const satisfies KeysOf<ScryptParams>;

/** The keys of {@link UsersTableOptions} (`users`), its `columns` included. */
export const USERS_TABLE_OPTION_KEYS = {
  table: true,
  columns: {
    id: true,
    username: true,
    password: true,
    email: true,
    createdAt: true,
    lastLoginAt: true,
    isStaff: true,
  } satisfies KeysOf<NonNullable<UsersTableOptions["columns"]>>,
  idType: true,
  idColumnType: true,
  usernameMaxLength: true,
} as const satisfies KeysOf<UsersTableOptions>;

/** The keys of {@link GuestUsersOptions}, nested option bags with their own specs. */
export const GUEST_USERS_OPTION_KEYS = {
  database: true,
  enabled: true,
  nameGenerator: true,
  namePrefix: true,
  nameSuffixDigits: true,
  maxAge: true,
  expireBy: true,
  retention: RETENTION_OPTION_KEYS,
  cleanup: CLEANUP_SCHEDULE_OPTION_KEYS,
  convertForm: true,
  reservedUsernames: true,
  convertPrefillUsername: true,
  convertUrl: true,
  convertRedirectUrl: true,
  requiredAnonUrl: true,
  requiredUserUrl: true,
  loginUrl: true,
  loginRedirectUrl: true,
  blockedUserAgents: true,
  detectBots: true,
  session: SESSION_OPTION_KEYS,
  sessionCache: SESSION_CACHE_OPTION_KEYS,
  passwordHashing: SCRYPT_PARAMS_KEYS,
  userStore: true,
  logger: true,
  clock: true,
  secret: true,
  cookie: COOKIE_OPTION_KEYS,
  guestCreationLimit: RATE_LIMIT_KEYS,
  createGuests: true,
  beforeGuestCreated: true,
  loginLimit: RATE_LIMIT_KEYS,
  limitStore: true,
  ipv6Subnet: true,
  terms: TERMS_OPTION_KEYS,
  beforeDelete: true,
  metrics: true,
  preparedStatements: true,
  tablePrefix: true,
  users: USERS_TABLE_OPTION_KEYS,
} as const satisfies KeysOf<GuestUsersOptions>;

/**
 * The option keys of the GuestUsers methods that take an options object, checked on each
 * call (a few keys: cheap) before anything is read or written: `deleteExpired({ dryrun:
 * true })` fails with `INVALID_CONFIG` and deletes nothing.
 */

/** The first parameter of a GuestUsers method, `undefined` left out. */
type OptionsOf<Name extends keyof GuestUsers, Index extends number = 0> = NonNullable<
  GuestUsers[Name] extends (...args: infer Args) => unknown ? Args[Index] : never
>;

/** The keys of {@link DeleteExpiredOptions} (`deleteExpired()`). */
export const DELETE_EXPIRED_OPTION_KEYS = {
  batchSize: true,
  dryRun: true,
  maxAge: true,
  onProgress: true,
} as const satisfies KeysOf<DeleteExpiredOptions>;

/** The keys of `filterExpired()`'s options. */
export const FILTER_EXPIRED_OPTION_KEYS = {
  maxAge: true,
  pageSize: true,
} as const satisfies KeysOf<OptionsOf<"filterExpired">>;

/** The keys of `stats()`'s options. */
export const STATS_OPTION_KEYS = { maxAge: true } as const satisfies KeysOf<OptionsOf<"stats">>;

/** The keys of {@link FunnelOptions} (`funnel()`). */
export const FUNNEL_OPTION_KEYS = { days: true } as const satisfies KeysOf<FunnelOptions>;

/** The keys of {@link ListGuestsOptions} (`listGuests()`). */
export const LIST_GUESTS_OPTION_KEYS = {
  filter: true,
  q: true,
  after: true,
  limit: true,
} as const satisfies KeysOf<ListGuestsOptions>;

/** The keys of {@link DeleteGuestsOptions} (`deleteGuests()`). */
export const DELETE_GUESTS_OPTION_KEYS = {
  by: true,
} as const satisfies KeysOf<DeleteGuestsOptions>;

/** The keys of {@link DeleteUserOptions} (`deleteUser()`). */
export const DELETE_USER_OPTION_KEYS = { by: true } as const satisfies KeysOf<DeleteUserOptions>;

/** The keys of {@link AcceptTermsOption} (`convert()`, `createUser()`). */
export const ACCEPT_TERMS_OPTION_KEYS = {
  acceptTerms: true,
} as const satisfies KeysOf<AcceptTermsOption>;

/** The keys of {@link CreateGuestUserInput} (`createGuestUser()`, `createGuestSession()`). */
export const CREATE_GUEST_OPTION_KEYS = {
  request: true,
  username: true,
  data: true,
  creationKey: true,
} as const satisfies KeysOf<CreateGuestUserInput>;

/** The keys of `signInWithIdentity()`'s and `connectIdentity()`'s options. */
export const CURRENT_USER_OPTION_KEYS = { current: true } as const satisfies KeysOf<
  OptionsOf<"signInWithIdentity", 1>
> &
  KeysOf<OptionsOf<"connectIdentity", 1>>;
