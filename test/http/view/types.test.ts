import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { GuardedMethod } from "../../../src/http/decorators.ts";
import type { HandlerContext, WebHandler } from "../../../src/http/handler.ts";
import {
  AllowGuestUserMixin,
  GuestUserRequiredMixin,
  RegularUserRequiredMixin,
} from "../../../src/http/mixins.ts";
import { View } from "../../../src/http/view.ts";

// Part 1 is checked by `tsc --noEmit -p .` (each @ts-expect-error must meet an error). Part 2
// compiles snippets with the TypeScript API: decorator syntax, which Vitest's transform cannot
// run, and the project's noImplicitOverride switched off.

describe("mixin attributes (tsc --noEmit)", () => {
  it("types the reference's attributes, with completion and checking", () => {
    class Only extends GuestUserRequiredMixin(View) {
      override registeredUrl = "/dash/";
    }
    class RealUsersOnly extends RegularUserRequiredMixin(View) {
      override loginUrl = "/login/";
      override convertUrl = "/convert/?from=RealUsersOnlyView";
      override redirectFieldName = "back";
    }
    expectTypeOf<Only["anonymousUrl"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Only["registeredUrl"]>().toEqualTypeOf<string>();
    expectTypeOf<
      InstanceType<ReturnType<typeof GuestUserRequiredMixin>>["registeredUrl"]
    >().toEqualTypeOf<string | undefined>();
    expectTypeOf<RealUsersOnly["redirectFieldName"]>().toEqualTypeOf<string>();
    expectTypeOf(new RealUsersOnly()).toHaveProperty("convertUrl");
    expectTypeOf(Only.asView()).toEqualTypeOf<WebHandler>();

    class WrongType extends GuestUserRequiredMixin(View) {
      // @ts-expect-error a URL is a string
      override registeredUrl = 5;
    }
    class WrongName extends GuestUserRequiredMixin(View) {
      // @ts-expect-error loginUrl belongs to RegularUserRequiredMixin
      override loginUrl = "/login/";
    }
    class NoField extends RegularUserRequiredMixin(View) {
      // @ts-expect-error redirectFieldName is a string
      override redirectFieldName = null;
    }
    class NoOverride extends GuestUserRequiredMixin(View) {
      // @ts-expect-error this project has noImplicitOverride: attributes are written `override`
      registeredUrl = "/dash/";
    }
    expect([WrongType, WrongName, NoField, NoOverride]).toHaveLength(4);
  });

  it("keeps the base class's own fields and checks handlers and asView arguments", () => {
    class Titled extends View {
      title = "Dashboard";
      constructor(readonly theme: "dark" | "light") {
        super();
      }
    }
    class Page extends RegularUserRequiredMixin(AllowGuestUserMixin(Titled)) {
      override get(_request: Request, { state }: HandlerContext) {
        return new Response(`${this.title} ${this.theme} ${this.loginUrl} ${state.user?.id}`);
      }
    }
    expectTypeOf<Page["title"]>().toEqualTypeOf<string>();
    expectTypeOf<Page["theme"]>().toEqualTypeOf<"dark" | "light">();
    expectTypeOf<Page["loginUrl"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf(Page.asView("dark")).toEqualTypeOf<WebHandler>();
    // @ts-expect-error the constructor takes a theme
    Page.asView("sepia");
    // @ts-expect-error mixins apply to View subclasses only
    GuestUserRequiredMixin(class {});

    class BadHandlers extends View {
      // @ts-expect-error a handler takes a Request
      override get(request: number) {
        return new Response(String(request));
      }
      // @ts-expect-error a handler answers a Response
      override post() {
        return "text";
      }
    }
    expect(BadHandlers).toBeTypeOf("function");
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const PRELUDE = `
import type { HandlerContext } from "../../../src/http/handler.ts";
import { allowGuestUser, guestUserRequired, regularUserRequired } from "../../../src/http/decorators.ts";
import { GuestUserRequiredMixin, RegularUserRequiredMixin } from "../../../src/http/mixins.ts";
import { View } from "../../../src/http/view.ts";
`;

/**
 * Type-checks each snippet (after {@link PRELUDE}) as a file of this folder, with the project's
 * compiler options and `overrides`; answers each snippet's error codes and messages.
 */
function check(snippets: Record<string, string>, overrides: ts.CompilerOptions = {}) {
  const root = join(here, "../../..");
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  Object.assign(options, overrides);
  const files = new Map(
    Object.entries(snippets).map(([name, code], i) => [
      join(here, `__snippet_${i}__.ts`),
      { name, code: PRELUDE + code },
    ]),
  );
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const snippet = files.get(file);
    return snippet
      ? ts.createSourceFile(file, snippet.code, language)
      : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const results: Record<string, { codes: number[]; messages: string[] }> = {};
  for (const [file, { name }] of files) {
    const source = program.getSourceFile(file);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    results[name] = {
      codes: diagnostics.map((d) => d.code),
      messages: diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    };
  }
  return results;
}

const METHOD = `(request: Request, context: HandlerContext) { return new Response(request.url + context.state.user?.id); }`;

describe("decorator and mixin typing (TypeScript API)", () => {
  it("accepts the brief's mixin example when noImplicitOverride is off, and refuses a wrong type", () => {
    const results = check(
      {
        ok: `class Only extends GuestUserRequiredMixin(View) { registeredUrl = "/dash/"; }`,
        regular: `class R extends RegularUserRequiredMixin(View) { loginUrl = "/login/"; redirectFieldName = "back"; }`,
        wrong: `class Only extends GuestUserRequiredMixin(View) { registeredUrl = 5; }`,
      },
      { noImplicitOverride: false },
    );
    expect(results.ok).toEqual({ codes: [], messages: [] });
    expect(results.regular).toEqual({ codes: [], messages: [] });
    expect(results.wrong?.codes).toEqual([2416]);
  });

  it("accepts guardable methods in every form (bare or called, static, union return)", () => {
    const { ok } = check({
      ok: `
        class Pages {
          greeting = "hi";
          @allowGuestUser async a${METHOD}
          @allowGuestUser() async b${METHOD}
          @guestUserRequired async c${METHOD}
          @guestUserRequired({ anonymousUrl: "/login/", registeredUrl: "/dashboard/" }) async d${METHOD}
          @regularUserRequired async e${METHOD}
          @regularUserRequired({ loginUrl: "/login/", convertUrl: "/convert/", redirectFieldName: "back" })
          f(request: Request, _context: HandlerContext): Response | Promise<Response> { return new Response(this.greeting + request.url); }
          @regularUserRequired() static async g${METHOD}
        }
        const context = {} as HandlerContext;
        const pending: Promise<Response> = new Pages().a(new Request("http://x/"), context);
        const declared: Response | Promise<Response> = new Pages().f(new Request("http://x/"), context);
        void [pending, declared];
      `,
    });
    expect(ok).toEqual({ codes: [], messages: [] });
    expectTypeOf<GuardedMethod<object>>().returns.toEqualTypeOf<Promise<Response>>();
  });

  it("refuses decorating anything but a (request, context) => Response method", () => {
    const results = check({
      numberParameter: `class C { @guestUserRequired() async m(n: number, c: HandlerContext) { return new Response(String(n) + c); } }`,
      bareNumberParameter: `class C { @guestUserRequired async m(n: number, c: HandlerContext) { return new Response(String(n) + c); } }`,
      answersString: `class C { @allowGuestUser() async m(r: Request, c: HandlerContext) { return r.url + c; } }`,
      syncResponse: `class C { @regularUserRequired() m(r: Request, c: HandlerContext) { return new Response(r.url + c); } }`,
      noContext: `class C { @regularUserRequired() async m(r: Request) { return new Response(r.url); } }`,
      extraParameter: `class C { @allowGuestUser() async m(r: Request, c: HandlerContext, x: string) { return new Response(r.url + c + x); } }`,
      getter: `class C { @allowGuestUser() get m() { return new Response(""); } }`,
      field: `class C { @allowGuestUser() m = async (r: Request, c: HandlerContext) => new Response(r.url + c); }`,
      onClass: `@allowGuestUser() class C {}`,
      unknownOption: `class C { @guestUserRequired({ loginUrl: "/x/" }) async m${METHOD} }`,
      wrongOption: `class C { @regularUserRequired({ convertUrl: 5 }) async m${METHOD} }`,
    });
    for (const [name, result] of Object.entries(results)) {
      expect(result.codes.length, `${name} should not compile`).toBeGreaterThan(0);
    }
    expect(results.numberParameter?.codes).toContain(1241);
    expect(results.bareNumberParameter?.codes).toContain(1241);
    expect(results.answersString?.codes).toContain(1241);
    expect(results.syncResponse?.codes).toEqual([1270]);
    expect(results.noContext?.codes).toEqual([1270]);
    expect(results.getter?.messages.join()).toContain('"getter"');
    expect(results.unknownOption?.codes).toEqual([2353]);
    expect(results.wrongOption?.codes).toEqual([2322]);
  });
});
