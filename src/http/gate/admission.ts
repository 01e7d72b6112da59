import type { GuestUsers } from "../../core/guest-users.ts";
import { addressKey } from "../../limits/address-key.ts";
import { GuestUserError } from "../../shared/errors.ts";
import type { HttpRequest, RequestState } from "../request.ts";
import { lazyWritePasses } from "./first-write.ts";

/** Why a request may not get a guest. */
export type RefusalReason = "disabled" | "method" | "crawler" | "limited" | "vetoed";

/** The gate's verdict on one request. */
export type GuestAdmission =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: RefusalReason;
      /** Seconds until a `limited` client may try again (0 for the other reasons). */
      readonly retryAfterSeconds: number;
    };

/** Methods that must not change anything: in `"onWrite"` mode they never create a guest. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

const ALLOWED: GuestAdmission = { allowed: true };
const refuse = (reason: RefusalReason, retryAfterSeconds = 0): GuestAdmission => ({
  allowed: false,
  reason,
  retryAfterSeconds,
});

/** Builds the full Web `Request` the veto hook and the `guestCreated` event get. */
export function webRequestOf(request: HttpRequest): Request {
  if (request instanceof Request) return request;
  return request.toWebRequest?.() ?? new Request(request.url, { method: request.method });
}

/** Checks a submitted CSRF token for this request (the web layer's `verifyCsrf`). */
export type VerifyCsrf = (request: HttpRequest, state: RequestState, submitted: unknown) => boolean;

/**
 * The ONE place that decides whether a request may get a guest (`admit`), in this order:
 * guests enabled; not a HEAD request; a User-Agent that is present and no crawler's; the client
 * address under `guestCreationLimit` (counted in `limitStore`, shared by every server when
 * that store is Redis; by {@link addressKey}: an IPv6 client by its `ipv6Subnet` network);
 * the app's `beforeGuestCreated` veto. Every path that creates a guest
 * (guards, mixins, decorators, mounted views, the JSON guest endpoint, `ensureGuest`) asks it.
 * `admitVisit` is `allowGuestUser`'s gate: in `createGuests: "onWrite"` mode a safe request
 * only marks `state.guestPending` and an unsafe one must first pass the CSRF check (see
 * {@link lazyWritePasses}); both answer null ("not now", no refusal), else `admit` decides.
 */
export function guestAdmission(guestUsers: GuestUsers, verifyCsrf: VerifyCsrf) {
  const { settings } = guestUsers;
  const { logger } = settings;
  let warnedNoAddress = false;

  const limited = async (state: RequestState): Promise<GuestAdmission | null> => {
    const limit = settings.guestCreationLimit;
    if (!limit) return null;
    const address = state.clientAddress;
    if (!address) {
      if (!warnedNoAddress) {
        warnedNoAddress = true;
        logger.warn(
          "guest-user: guestCreationLimit is set but this request's client address is unknown, so it is not limited: use an adapter, or pass `clientAddress` to fetchHandler().",
        );
      }
      return null;
    }
    const key = addressKey(address, settings.ipv6Subnet);
    const verdict = await settings.limitStore.hit(`guest:${key}`, limit);
    if (verdict.allowed) return null;
    if (verdict.firstRefusal) {
      logger.warn(
        `guest-user: guestCreationLimit reached for ${key}; no more guests for it for ${verdict.retryAfterSeconds} s.`,
      );
    }
    return refuse("limited", verdict.retryAfterSeconds);
  };

  const vetoed = async (request: HttpRequest, state: RequestState): Promise<boolean> => {
    const hook = settings.beforeGuestCreated;
    if (!hook) return false;
    try {
      return (
        (await hook({ request: webRequestOf(request), clientAddress: state.clientAddress })) ===
        false
      );
    } catch (error) {
      if (error instanceof GuestUserError) return true;
      throw error;
    }
  };

  /** What refuses a request whatever the client and the app say: the settings, the method, crawlers. */
  const ineligible = (request: HttpRequest): RefusalReason | null => {
    if (!settings.enabled) return "disabled";
    if (request.method.toUpperCase() === "HEAD") return "method";
    if (!guestUsers.canCreateGuest(request)) return "crawler";
    return null;
  };

  const admit = async (request: HttpRequest, state: RequestState): Promise<GuestAdmission> => {
    const reason = ineligible(request);
    const verdict = reason
      ? refuse(reason)
      : ((await limited(state)) ?? ((await vetoed(request, state)) ? refuse("vetoed") : ALLOWED));
    if (!verdict.allowed) settings.metrics.refused(verdict.reason);
    return verdict;
  };

  const admitVisit = async (
    request: HttpRequest,
    state: RequestState,
  ): Promise<GuestAdmission | null> => {
    if (settings.createGuests === "onWrite") {
      if (SAFE_METHODS.has(request.method.toUpperCase())) {
        state.guestPending = ineligible(request) === null;
        return null;
      }
      const proven = await lazyWritePasses(request, (submitted) =>
        verifyCsrf(request, state, submitted),
      );
      if (!proven) return null;
    }
    return admit(request, state);
  };

  return { admit, admitVisit };
}
