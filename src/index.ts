/**
 * guest-user: let visitors use your app at once as real, temporary guest users, and keep
 * everything when they sign up.
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * const guestUsers = createGuestUsers();
 * await guestUsers.migrate();
 * ```
 * @module
 */

export type { RedisPubSubClient } from "./cache/redis-pubsub.ts";
export type {
  AdminGuest,
  DeleteGuestsOptions,
  GuestFilter,
  GuestPage,
  ListGuestsOptions,
} from "./core/admin.ts";
export type { CleanupProgress, DeleteExpiredOptions, DeleteExpiredResult } from "./core/cleanup.ts";
export type { CleanupStatus } from "./core/cleanup-schedule.ts";
export type {
  CleanupSchedule,
  CleanupScheduleOptions,
} from "./core/cleanup-schedule-options.ts";
export {
  type DeleteUserOptions,
  outerDatabaseInBeforeDeleteError,
} from "./core/deletion.ts";
export type { GuestUserEvents, Listener, Logger } from "./core/events.ts";
export { type GuestTimes, guestExpiresAt, isGuestExpired } from "./core/expiry.ts";
export * from "./core/forms/index.ts";
export type { Funnel, FunnelDay, FunnelOptions, FunnelTotals } from "./core/funnel.ts";
export { createGuestUsers, type GuestUsers } from "./core/guest-users.ts";
export type { CreateGuestUserInput, UserRef } from "./core/guests.ts";
export { USERNAME_ATTEMPTS } from "./core/guests.ts";
export {
  type ConnectOutcome,
  IdentityTakenError,
  type LinkedIdentity,
  NotRegisteredError,
} from "./core/identities.ts";
export { identityUsername } from "./core/identity-usernames.ts";
export {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  type ScryptParams,
  verifyPassword,
} from "./core/passwords.ts";
export type { KeepIf, Retention, RetentionOptions } from "./core/retention-options.ts";
export type {
  SessionCacheInvalidation,
  SessionCacheOptions,
} from "./core/session-cache-options.ts";
export type { Session, SessionCacheStatus, ValidatedSession } from "./core/sessions.ts";
export {
  type GuestCreationContext,
  type GuestUsersOptions,
  type SessionOptions,
  type Settings,
  type TermsOptions,
  TWO_WEEKS,
} from "./core/settings.ts";
export type { AcceptTermsOption, TermsAcceptance } from "./core/terms.ts";
export type { ConvertForm, Credentials, Identity, User, UserId } from "./core/types.ts";
export { DEFAULT_BLOCKED_USER_AGENTS, userAgentMatcher } from "./core/user-agents.ts";
export * from "./core/usernames/index.ts";
export * from "./http/admin/index.ts";
export { CSRF_FIELD, csrfField, csrfInput, sameOriginRequest } from "./http/csrf.ts";
export {
  allowGuestUser,
  type Guard,
  type GuestUserRequiredOptions,
  guestUserRequired,
  type LoginRequiredOptions,
  loginRequired,
  type RegularUserRequiredOptions,
  redirectResponse,
  regularUserRequired,
  type TermsRequiredOptions,
  termsRequired,
} from "./http/guards.ts";
// The web layer: framework-free, on Web Request/Response.
export {
  createGuestUserHttp,
  type GuestAdmission,
  type GuestUserHttp,
  type RefusalReason,
} from "./http/guest-user-http.ts";
export {
  type FetchHandlerOptions,
  fetchHandler,
  guarded,
  type HandlerContext,
  type WebHandler,
  type WebRoute,
  withCookies,
} from "./http/handler.ts";
export {
  AllowGuestUserMixin,
  GuestUserRequiredMixin,
  RegularUserRequiredMixin,
  TermsRequiredMixin,
  type ViewConstructor,
} from "./http/mixins.ts";
export type { TrustProxy } from "./http/proxy.ts";
export type { HttpRequest, RequestState, UserJson } from "./http/request.ts";
export { userJson } from "./http/request.ts";
export { nextValue, safeNext, withNext } from "./http/safe-next.ts";
export {
  HTTP_METHOD_NAMES,
  type HttpMethodName,
  type MethodHandler,
  View,
  type ViewClass,
} from "./http/view.ts";
export * from "./http/views/index.ts";
export { type MemoryLimitStoreOptions, memoryLimitStore } from "./limits/memory.ts";
export type { LimitStore, LimitVerdict, RateLimit } from "./limits/types.ts";
export {
  type GuestUserMetrics,
  INSTRUMENTS,
  METER_NAME,
  type MetricsMeter,
} from "./metrics/index.ts";
export {
  type DatabaseProblem,
  DatabaseUnavailableError,
  type FieldErrors,
  GuestUserError,
  type GuestUserErrorCode,
  InvalidConfigError,
  NotGuestError,
  ValidationError,
} from "./shared/errors.ts";
export { type DatabaseSource, DEFAULT_DATABASE } from "./store/connect.ts";
export type { DialectName } from "./store/dialect.ts";
export type { GuestCounts, GuestData, GuestRecord } from "./store/guest-store.ts";
export type { MigrateResult } from "./store/migrate.ts";
export type { TableOptions, UsersTableOptions } from "./store/tables.ts";
export { type NewUser, tableUserStore, type UserRow, type UserStore } from "./store/user-store.ts";
