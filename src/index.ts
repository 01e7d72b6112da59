/**
 * guest-user: let visitors use your app at once as real, temporary guest users, and keep
 * everything when they sign up.
 *
 * The root holds what an app writes: `createGuestUsers`, the web layer, the guards, mixins and
 * `View`, the account views, the error classes and the types of their options. Helpers live in
 * subpaths: `guest-user/forms` (validators, `userCreationForm`, password hashing, name
 * generators), `guest-user/templates` (the built-in templates and HTML helpers),
 * `guest-user/admin` (the guest admin), and one per adapter and database.
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * const guestUsers = createGuestUsers();
 * await guestUsers.migrate();
 * ```
 * @module
 */

// The core: createGuestUsers() and the types of its options and answers.
export type { RedisPubSubClient, RedisSubscriber } from "./cache/redis-pubsub.ts";
export type {
  CleanupSchedule,
  CleanupScheduleOptions,
} from "./core/config/cleanup-schedule-options.ts";
export type {
  BeforeDeleteEvent,
  GuestCreationContext,
  GuestUsersOptions,
  TermsOptions,
} from "./core/config/options.ts";
// issue 20: ownership
export type {
  OnMerge,
  OwnedTable,
  OwnedTableMergeContext,
  Ownership,
  OwnershipOptions,
} from "./core/config/ownership-options.ts";
export type { QuotaOptions, QuotaRule } from "./core/config/quota-options.ts";
export type { KeepIf, Retention, RetentionOptions } from "./core/config/retention-options.ts";
export type {
  ResolvedSessionCache,
  SessionCacheInvalidation,
  SessionCacheOptions,
} from "./core/config/session-cache-options.ts";
export type { CookieOptions, SessionOptions } from "./core/config/session-options.ts";
export type { Settings } from "./core/config/settings.ts";
export { createGuestUsers, type GuestUsers } from "./core/guest-users.ts";
export type { GuestUserEvents, Listener, Logger } from "./core/model/events.ts";
export type { ScryptParams } from "./core/model/passwords.ts";
export type {
  ConvertForm,
  Credentials,
  DeleteExpiredResult,
  FormField,
  Identity,
  User,
  UserId,
  UserRef,
} from "./core/model/types.ts";
export { DEFAULT_BLOCKED_USER_AGENTS } from "./core/model/user-agents.ts";
export type { NameGenerator, NameGeneratorContext } from "./core/model/usernames/name-generator.ts";
export type { NameGeneratorName, NameGeneratorSetting } from "./core/model/usernames/resolve.ts";
export type {
  AdminGuest,
  DeleteGuestsOptions,
  GuestFilter,
  GuestPage,
  ListGuestsOptions,
} from "./core/operations/admin.ts";
export type { CleanupProgress, DeleteExpiredOptions } from "./core/operations/cleanup.ts";
export type { CleanupStatus } from "./core/operations/cleanup-schedule.ts";
export type {
  ContinueLink,
  ContinueLinkInfo,
  CreateContinueLinkOptions,
} from "./core/operations/continue-links.ts";
export type { DeleteUserOptions } from "./core/operations/deletion.ts";
export type { Funnel, FunnelDay, FunnelOptions, FunnelTotals } from "./core/operations/funnel.ts";
export type { CreateGuestUserInput } from "./core/operations/guests.ts";
export {
  type ConnectOutcome,
  IdentityTakenError,
  type LinkedIdentity,
  NotRegisteredError,
} from "./core/operations/identities.ts";
export type { UserExport } from "./core/operations/ownership.ts";
export type { QuotaUser, QuotaVerdict } from "./core/operations/quotas.ts";
export type { Session, SessionCacheStatus, ValidatedSession } from "./core/operations/sessions.ts";
export type { SignInStatus } from "./core/operations/sign-in-status.ts";
export type { AcceptTermsOption, TermsAcceptance } from "./core/operations/terms.ts";
// The web layer: framework-free, on Web Request/Response.
export { csrfField } from "./http/csrf-field.ts";
export { type FetchHandlerOptions, fetchHandler } from "./http/fetch-handler.ts";
export {
  allowGuestUser,
  type Guard,
  type GuestUserRequiredOptions,
  guestUserRequired,
  type LoginRequiredOptions,
  loginRequired,
  type RegularUserRequiredOptions,
  regularUserRequired,
  type TermsRequiredOptions,
  termsRequired,
} from "./http/guards.ts";
export {
  createGuestUserHttp,
  type GuestAdmission,
  type GuestUserHttp,
  type RefusalReason,
} from "./http/guest-user-http.ts";
export {
  guarded,
  type HandlerContext,
  type WebHandler,
  type WebRoute,
} from "./http/handler.ts";
export {
  AllowGuestUserMixin,
  GuestUserRequiredMixin,
  RegularUserRequiredMixin,
  TermsRequiredMixin,
  type ViewConstructor,
} from "./http/mixins.ts";
export {
  type QuotaGuardOptions,
  quota,
  quotaExceededResponse,
} from "./http/quota-guard.ts";
export { type HttpRequest, type RequestState, type UserJson, userJson } from "./http/request.ts";
export { safeNext } from "./http/safe-next.ts";
export type { TrustProxy } from "./http/trust-proxy.ts";
export { type HttpMethodName, type MethodHandler, View, type ViewClass } from "./http/view.ts";
export {
  type AccountViewsOptions,
  accountViews,
  continueView,
  convertSuccessView,
  convertView,
  deleteView,
  guestView,
  loginView,
  logoutView,
  profileView,
  type RequestBody,
  readBody,
  signupView,
  termsView,
} from "./http/views/index.ts";
export { type MemoryLimitStoreOptions, memoryLimitStore } from "./limits/memory.ts";
export type { ConsumeVerdict, LimitStore, LimitVerdict, RateLimit } from "./limits/types.ts";
export type {
  DeletedBy,
  GateRefusal,
  GuestUserMetrics,
  InstrumentOptions,
  MetricAttributes,
  MetricsCounter,
  MetricsHistogram,
  MetricsMeter,
} from "./metrics/types.ts";
export {
  type DatabaseDiagnosis,
  type DatabaseProblem,
  DatabaseUnavailableError,
} from "./shared/database-errors.ts";
export {
  BodyError,
  type BodyErrorCode,
  type FieldErrors,
  GuestUserError,
  type GuestUserErrorCode,
  InvalidConfigError,
  InvalidInputError,
  type InvalidInputReason,
  LinkExpiredError,
  NotGuestError,
  ValidationError,
} from "./shared/errors.ts";
export type { DatabaseSource } from "./store/connect.ts";
export type { Db, DialectName } from "./store/dialect.ts";
export type { GuestCounts, GuestData, GuestRecord } from "./store/guest-store.ts";
export type { IdentityRecord } from "./store/identity-store.ts";
export type { MigrateResult } from "./store/migrate.ts";
export type { OwnedRow } from "./store/owned-tables.ts";
export type { TableOptions, Tables, UsersTableOptions } from "./store/tables.ts";
export type { NewUser, UserRow, UserStore } from "./store/user-store.ts";
