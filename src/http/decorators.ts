import type {
  Guard,
  GuestUserRequiredOptions,
  RegularUserRequiredOptions,
  TermsRequiredOptions,
} from "./guards.ts";
import * as guards from "./guards.ts";
import type { HandlerContext } from "./handler.ts";
import { applyGuards, withCookies } from "./handler.ts";

/**
 * What the decorators accept: a method taking the request and the {@link HandlerContext}
 * (both parameters declared, since the guard needs the context), answering a `Response`.
 *
 * @example
 * ```ts
 * async page(request: Request, { state }: HandlerContext) { return new Response("hi"); }
 * ```
 */
export type GuardableMethod<This = unknown> = (
  this: This,
  request: Request,
  context: HandlerContext,
) => Response | Promise<Response>;

/**
 * What a decorator puts in place of the method: always async, since the guard may query the
 * database. TypeScript keeps the member's declared type, so that type must accept a Promise:
 * declare the method `async` (or returning `Response | Promise<Response>`); one inferred to
 * return a plain `Response` does not compile, as its callers would get a Promise.
 *
 * @example
 * ```ts
 * const response: Promise<Response> = pages.hello(request, { http, state });
 * ```
 */
export type GuardedMethod<This = unknown> = (
  this: This,
  request: Request,
  context: HandlerContext,
) => Promise<Response>;

/**
 * A standard (TC39, TypeScript 5 without `experimentalDecorators`) method decorator running a
 * guard before the method. Decorating a getter, a field or a method of another shape does not
 * compile.
 *
 * @example
 * ```ts
 * const onlyGuests: GuardDecorator = guestUserRequired({ registeredUrl: "/dashboard/" });
 * ```
 */
export type GuardDecorator = <This, Method extends GuardableMethod<This>>(
  method: Method,
  context: ClassMethodDecoratorContext<This, Method>,
) => GuardedMethod<This>;

function guardDecorator(guard: Guard): GuardDecorator {
  return <This>(method: GuardableMethod<This>) =>
    async function guarded(
      this: This,
      request: Request,
      context: HandlerContext,
    ): Promise<Response> {
      const redirect = await applyGuards([guard], request, context);
      if (redirect) return redirect;
      return withCookies(await method.call(this, request, context), context.state);
    };
}

/** A decorator's arguments: the method and its context when used bare, else its options. */
type DecoratorArgs<Options> = [Options?] | [GuardableMethod, ClassMethodDecoratorContext];

/** The decorator of the guard `make` builds or, used bare (`@allowGuestUser`), the guarded method. */
function decorate<Options>(make: (options?: Options) => Guard, args: DecoratorArgs<Options>) {
  return isBare(args) ? guardDecorator(make())(...args) : guardDecorator(make(args[0]));
}

function isBare(args: readonly unknown[]): args is [GuardableMethod, ClassMethodDecoratorContext] {
  return typeof args[0] === "function";
}

/**
 * The reference's `@allow_guest_user` for a controller method: the guard
 * {@link guards.allowGuestUser}, then the method; the response carries the state's cookies.
 * Use it bare or called: `@allowGuestUser` or `@allowGuestUser()`.
 *
 * @example
 * ```ts
 * class Pages {
 *   @allowGuestUser
 *   async hello(request: Request, { state }: HandlerContext) {
 *     return new Response(`Hello ${state.user?.username}!`);
 *   }
 * }
 * const pages = new Pages();
 * const handler: WebHandler = (request, context) => pages.hello(request, context);
 * ```
 */
export function allowGuestUser(): GuardDecorator;
export function allowGuestUser<This, Method extends GuardableMethod<This>>(
  method: Method,
  context: ClassMethodDecoratorContext<This, Method>,
): GuardedMethod<This>;
export function allowGuestUser(...args: DecoratorArgs<never>) {
  return decorate(guards.allowGuestUser, args);
}

/**
 * The reference's `@guest_user_required`: only guests run the method; the others are
 * redirected as {@link guards.guestUserRequired} says. Use it bare or called.
 *
 * @default options `{}` (the settings' URLs)
 * @example
 * ```ts
 * class Pages {
 *   @guestUserRequired({ anonymousUrl: "/login/", registeredUrl: "/dashboard/" })
 *   async onlyForGuests(request: Request, context: HandlerContext) {
 *     return new Response("Welcome, guest");
 *   }
 * }
 * ```
 */
export function guestUserRequired(options?: GuestUserRequiredOptions): GuardDecorator;
export function guestUserRequired<This, Method extends GuardableMethod<This>>(
  method: Method,
  context: ClassMethodDecoratorContext<This, Method>,
): GuardedMethod<This>;
export function guestUserRequired(...args: DecoratorArgs<GuestUserRequiredOptions>) {
  return decorate(guards.guestUserRequired, args);
}

/**
 * The reference's `@regular_user_required`: only registered users run the method; the others
 * are redirected with `?next=<this page>` as {@link guards.regularUserRequired} says. Use it
 * bare or called.
 *
 * @default options `{}` (the settings' URLs, `redirectFieldName: "next"`)
 * @example
 * ```ts
 * class Billing {
 *   @regularUserRequired
 *   async invoices(request: Request, { state }: HandlerContext) {
 *     return new Response(`Invoices of ${state.user?.username}`);
 *   }
 * }
 * // anonymous: 302 /accounts/login/?next=/billing/   guest: 302 /convert/?next=/billing/
 * ```
 */
export function regularUserRequired(options?: RegularUserRequiredOptions): GuardDecorator;
export function regularUserRequired<This, Method extends GuardableMethod<This>>(
  method: Method,
  context: ClassMethodDecoratorContext<This, Method>,
): GuardedMethod<This>;
export function regularUserRequired(...args: DecoratorArgs<RegularUserRequiredOptions>) {
  return decorate(guards.regularUserRequired, args);
}

/**
 * Terms of service for a controller method (the reference's django-tos integration): a
 * registered user who has not accepted the CURRENT `terms.version` is redirected as
 * {@link guards.termsRequired} says; stack `@regularUserRequired` to require a login. Use it
 * bare or called.
 *
 * @default options `{}` (`acceptUrl: "/accounts/terms/"`, `redirectFieldName: "next"`)
 * @example
 * ```ts
 * class Dashboard {
 *   @termsRequired
 *   @regularUserRequired
 *   async show(request: Request, { state }: HandlerContext) {
 *     return new Response(`Hello ${state.user?.username}`);
 *   }
 * }
 * ```
 */
export function termsRequired(options?: TermsRequiredOptions): GuardDecorator;
export function termsRequired<This, Method extends GuardableMethod<This>>(
  method: Method,
  context: ClassMethodDecoratorContext<This, Method>,
): GuardedMethod<This>;
export function termsRequired(...args: DecoratorArgs<TermsRequiredOptions>) {
  return decorate(guards.termsRequired, args);
}
