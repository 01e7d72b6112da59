import type { Guard } from "./guards.ts";
import { allowGuestUser, guestUserRequired, regularUserRequired, termsRequired } from "./guards.ts";
import { applyGuards, type HandlerContext } from "./handler.ts";
import type { View } from "./view.ts";

/**
 * A class that extends {@link View} (abstract ones too): what the mixins accept. The `any[]`
 * is what TypeScript demands of a mixin's base constructor (TS2545); the subclass's own
 * constructor arguments stay type-checked by `asView()`.
 *
 * @example
 * ```ts
 * function TimingMixin<TBase extends ViewConstructor>(Base: TBase) {
 *   abstract class Timing extends Base {}
 *   return Timing;
 * }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: TypeScript mixin constructors require any[]
export type ViewConstructor<T extends View = View> = abstract new (...args: any[]) => T;

/**
 * A mixin class's dispatch through the guard `make` builds from the view's attributes: its
 * redirect answers (carrying, once, the state's pending cookies), else `next`. The guard is
 * built (its options parsed) again only when the attributes differ from the last request's.
 */
function guardedDispatch<Options extends object>(make: (options: Options) => Guard) {
  let built: { readonly values: unknown[]; readonly guard: Guard } | undefined;
  return async (
    options: Options,
    request: Request,
    context: HandlerContext,
    next: () => Promise<Response>,
  ): Promise<Response> => {
    const values = Object.values(options);
    if (!built || values.some((value, i) => !Object.is(value, built?.values[i]))) {
      built = { values, guard: make(options) };
    }
    return (await applyGuards([built.guard], request, context)) ?? next();
  };
}

/**
 * The reference's `AllowGuestUserMixin`: the guard {@link allowGuestUser}, then the view (the
 * new guest's session cookie goes out with the response). No attributes to set.
 *
 * @example
 * ```ts
 * class HelloWorldView extends AllowGuestUserMixin(View) {
 *   override get(request: Request, { state }: HandlerContext) {
 *     return new Response(`Hello ${state.user?.username}!`);
 *   }
 * }
 * const hello = HelloWorldView.asView();
 * ```
 */
export function AllowGuestUserMixin<TBase extends ViewConstructor>(Base: TBase) {
  const guarded = guardedDispatch(allowGuestUser);
  abstract class AllowGuestUser extends Base {
    /** Creates a guest for an anonymous visitor, then dispatches as usual. */
    override async dispatch(request: Request, context: HandlerContext): Promise<Response> {
      return guarded({}, request, context, () => super.dispatch(request, context));
    }
  }
  return AllowGuestUser;
}

/**
 * The reference's `GuestUserRequiredMixin`: only guests see the view; the others are
 * redirected as {@link guestUserRequired} says. The attributes are read at request time, so
 * plain field initializers of the subclass count.
 *
 * @example
 * ```ts
 * class OnlyGuestView extends GuestUserRequiredMixin(View) {
 *   override anonymousUrl = "/login/"; // `override` under noImplicitOverride only
 *   override registeredUrl = "/dashboard/";
 *   override get() { return new Response("Welcome, guest"); }
 * }
 * ```
 */
export function GuestUserRequiredMixin<TBase extends ViewConstructor>(Base: TBase) {
  const guarded = guardedDispatch(guestUserRequired);
  abstract class GuestUserRequired extends Base {
    /**
     * Redirect target for anonymous users.
     * @default undefined (the `requiredAnonUrl` setting, "/accounts/login/")
     */
    declare anonymousUrl?: string;
    /**
     * Redirect target for registered users.
     * @default undefined (the `requiredUserUrl` setting, "/accounts/profile/")
     */
    declare registeredUrl?: string;

    /** Redirects anyone but a guest, else dispatches as usual. */
    override async dispatch(request: Request, context: HandlerContext): Promise<Response> {
      const options = { anonymousUrl: this.anonymousUrl, registeredUrl: this.registeredUrl };
      return guarded(options, request, context, () => super.dispatch(request, context));
    }
  }
  return GuestUserRequired;
}

/**
 * The reference's `RegularUserRequiredMixin`: only registered users see the view; the others
 * are redirected with `?next=<this page>` as {@link regularUserRequired} says (a target with
 * its own query keeps it). The attributes are read at request time.
 *
 * @example
 * ```ts
 * class RealUsersOnlyView extends RegularUserRequiredMixin(View) {
 *   override loginUrl = "/login/";
 *   override convertUrl = "/convert/?from=RealUsersOnlyView";
 *   override get() { return new Response("Members only"); }
 * }
 * // guest at /billing/: 302 Location: /convert/?from=RealUsersOnlyView&next=/billing/
 * ```
 */
export function RegularUserRequiredMixin<TBase extends ViewConstructor>(Base: TBase) {
  const guarded = guardedDispatch(regularUserRequired);
  abstract class RegularUserRequired extends Base {
    /**
     * Redirect target for anonymous users.
     * @default undefined (the `loginUrl` setting, "/accounts/login/")
     */
    declare loginUrl?: string;
    /**
     * Redirect target for guest users.
     * @default undefined (the `convertUrl` setting, "/convert/")
     */
    declare convertUrl?: string;
    /**
     * URL parameter carrying the way back to this page.
     * @default "next"
     */
    redirectFieldName = "next";

    /** Redirects anyone but a registered user, else dispatches as usual. */
    override async dispatch(request: Request, context: HandlerContext): Promise<Response> {
      const { loginUrl, convertUrl, redirectFieldName } = this;
      const options = { loginUrl, convertUrl, redirectFieldName };
      return guarded(options, request, context, () => super.dispatch(request, context));
    }
  }
  return RegularUserRequired;
}

/**
 * Terms of service as a mixin: the guard {@link termsRequired} with `termsAcceptUrl` (stack it
 * on {@link RegularUserRequiredMixin} to require a login too). The attributes are read at
 * request time.
 *
 * @example
 * ```ts
 * class DashboardView extends TermsRequiredMixin(RegularUserRequiredMixin(View)) {
 *   override get() { return new Response("Your dashboard"); }
 * }
 * // registered, terms not accepted: 302 Location: /accounts/terms/?next=/dashboard/
 * ```
 */
export function TermsRequiredMixin<TBase extends ViewConstructor>(Base: TBase) {
  const guarded = guardedDispatch(termsRequired);
  abstract class TermsRequired extends Base {
    /**
     * The accept page (keep it in step with `accountViews`' `termsPath`).
     * @default undefined ("/accounts/terms/")
     */
    declare termsAcceptUrl?: string;
    /**
     * URL parameter carrying the way back to this page.
     * @default "next"
     */
    redirectFieldName = "next";

    /** Redirects a registered user who has not accepted the terms, else dispatches as usual. */
    override async dispatch(request: Request, context: HandlerContext): Promise<Response> {
      const options = { acceptUrl: this.termsAcceptUrl, redirectFieldName: this.redirectFieldName };
      return guarded(options, request, context, () => super.dispatch(request, context));
    }
  }
  return TermsRequired;
}
