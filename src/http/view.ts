import type { HandlerContext, WebHandler } from "./handler.ts";
import { withCookies } from "./handler.ts";

/**
 * The HTTP methods a {@link View} can answer, in the order Django lists them (and the `Allow`
 * header repeats them). `trace` is left out: Web runtimes refuse to build TRACE requests.
 */
const HTTP_METHOD_NAMES = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

/**
 * A lower-case HTTP method name a {@link View} may define a handler for.
 *
 * @example
 * ```ts
 * const name: HttpMethodName = "get";
 * ```
 */
export type HttpMethodName = "get" | "post" | "put" | "patch" | "delete" | "head" | "options";

/**
 * A view's method handler: the request and the {@link HandlerContext} (web layer and who is
 * asking), answering a Web `Response`.
 *
 * @example
 * ```ts
 * const get: MethodHandler = (request, { state }) => new Response(state.user?.username ?? "anonymous");
 * ```
 */
export type MethodHandler = (
  request: Request,
  context: HandlerContext,
) => Response | Promise<Response>;

/**
 * A concrete (non-abstract) view class whose constructor takes `A`: what `asView()` is called on.
 *
 * @example
 * ```ts
 * const cls: ViewClass<HelloView, []> = HelloView;
 * ```
 */
export type ViewClass<V extends View = View, A extends unknown[] = []> = new (...args: A) => V;

/**
 * Django's class-based `View` on Web Request/Response: define `get`, `post`, `put`, `patch`,
 * `delete`, `head` or `options`; {@link View.dispatch} calls the one matching the request's
 * method. HEAD falls back to `get` (same status and headers, no body); OPTIONS answers 200 with
 * `Allow`; any other method answers 405 with `Allow`. {@link View.asView} mounts a view as a
 * {@link WebHandler}, making a fresh instance per request. Combine it with the mixins of
 * `mixins.ts` (`AllowGuestUserMixin`, `GuestUserRequiredMixin`, `RegularUserRequiredMixin`).
 *
 * Handlers are declared here so subclasses are type-checked; with `noImplicitOverride` write
 * them with `override`.
 *
 * @example
 * ```ts
 * class HelloView extends View {
 *   override async get(request: Request, { state }: HandlerContext) {
 *     return new Response(`Hello ${state.user?.username ?? "stranger"}!`);
 *   }
 * }
 * const hello = HelloView.asView(); // (request, { http, state }) => Promise<Response>
 * ```
 */
export class View {
  /**
   * The methods this view accepts at all (Django's `http_method_names`); a method outside the
   * list answers 405 even when a handler exists.
   * @default HTTP_METHOD_NAMES
   * @example override httpMethodNames: readonly HttpMethodName[] = ["get", "head", "options"];
   */
  httpMethodNames: readonly HttpMethodName[] = HTTP_METHOD_NAMES;

  /** Answers GET (and HEAD, unless {@link View.head} is defined). @default undefined */
  get?(request: Request, context: HandlerContext): Response | Promise<Response>;
  /** Answers POST. @default undefined */
  post?(request: Request, context: HandlerContext): Response | Promise<Response>;
  /** Answers PUT. @default undefined */
  put?(request: Request, context: HandlerContext): Response | Promise<Response>;
  /** Answers PATCH. @default undefined */
  patch?(request: Request, context: HandlerContext): Response | Promise<Response>;
  /** Answers DELETE. @default undefined */
  delete?(request: Request, context: HandlerContext): Response | Promise<Response>;
  /** Answers HEAD. @default `get` without its body */
  head?(request: Request, context: HandlerContext): Response | Promise<Response>;

  /**
   * Answers OPTIONS: 200, empty, with `Allow` listing the accepted methods.
   * @default 200 with `Allow`
   * @example
   * ```ts
   * // Allow: GET, POST, HEAD, OPTIONS
   * ```
   */
  options(_request: Request, _context: HandlerContext): Response | Promise<Response> {
    return new Response(null, {
      status: 200,
      headers: { allow: this.allowedMethods().join(", "), "content-length": "0" },
    });
  }

  /**
   * The accepted methods, upper-case, in `HTTP_METHOD_NAMES` order: those with a handler
   * (HEAD when `head` or `get` is defined).
   * @example
   * ```ts
   * new (class extends View { override get() { return new Response(); } })().allowedMethods();
   * // ["GET", "HEAD", "OPTIONS"]
   * ```
   */
  allowedMethods(): string[] {
    return this.httpMethodNames
      .filter((name) => handlerOf(this, name) !== undefined)
      .map((name) => name.toUpperCase());
  }

  /**
   * Calls the handler of the request's method; 405 with `Allow` when there is none. Mixins
   * override it to run their guard first.
   * @example
   * ```ts
   * const response = await new HelloView().dispatch(request, { http, state });
   * ```
   */
  async dispatch(request: Request, context: HandlerContext): Promise<Response> {
    const name = request.method.toLowerCase() as HttpMethodName;
    const handler = this.httpMethodNames.includes(name) ? handlerOf(this, name) : undefined;
    return handler ? handler(request, context) : this.httpMethodNotAllowed(request, context);
  }

  /**
   * The 405 answer, with `Allow` (Django's `http_method_not_allowed`).
   * @example
   * ```ts
   * // 405 Allow: GET, HEAD, OPTIONS
   * ```
   */
  httpMethodNotAllowed(_request: Request, _context: HandlerContext): Response | Promise<Response> {
    return new Response(null, {
      status: 405,
      headers: { allow: this.allowedMethods().join(", ") },
    });
  }

  /**
   * A {@link WebHandler} for this view: every request gets a NEW instance (built with `args`,
   * type-checked against the subclass's constructor), runs {@link View.dispatch}, and the
   * response carries the state's pending Set-Cookie values (a new guest's session...).
   *
   * @example
   * ```ts
   * class Greeting extends View {
   *   constructor(readonly greeting: string) { super(); }
   *   override get() { return new Response(this.greeting); }
   * }
   * const handler = Greeting.asView("Hi"); // Greeting.asView(42) does not compile
   * const response = await handler(request, { http, state: await http.resolve(request) });
   * ```
   */
  static asView<V extends View, A extends unknown[]>(
    this: ViewClass<V, A>,
    ...args: A
  ): WebHandler {
    return async (request, context) => {
      const view = new this(...args);
      return withCookies(await view.dispatch(request, context), context.state);
    };
  }
}

/** The handler of one method, bound to the view; HEAD falls back to GET without a body. */
function handlerOf(view: View, name: HttpMethodName): MethodHandler | undefined {
  const own = view[name];
  if (typeof own === "function") return own.bind(view);
  const get = view.get;
  if (name !== "head" || typeof get !== "function") return undefined;
  return async (request, context) => {
    const response = await get.call(view, request, context);
    await response.body?.cancel();
    const { status, statusText, headers } = response;
    return new Response(null, { status, statusText, headers });
  };
}
