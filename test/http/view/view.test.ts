import { describe, expect, it } from "vitest";
import type { GuestUserHttp } from "../../../src/http/guest-user-http.ts";
import type { HandlerContext } from "../../../src/http/handler.ts";
import { anonymousState } from "../../../src/http/request.ts";
import { View } from "../../../src/http/view.ts";

/** A context for views that never touch the web layer: View itself does not. */
function context(): HandlerContext {
  return { http: {} as GuestUserHttp, state: anonymousState() };
}

const PAGE = "http://localhost/view/";

class ReadOnly extends View {
  override get(request: Request) {
    return new Response(`got ${new URL(request.url).pathname}`, {
      status: 203,
      headers: { "x-view": "read-only", "content-type": "text/plain" },
    });
  }
}

class ReadWrite extends ReadOnly {
  override async post(request: Request) {
    return new Response(`posted ${await request.text()}`, { status: 201 });
  }
  override delete() {
    return new Response(null, { status: 204 });
  }
}

describe("View.dispatch", () => {
  it("calls the handler of the request's method, with the request and context", async () => {
    const seen: HandlerContext[] = [];
    class Echo extends View {
      override put(request: Request, ctx: HandlerContext) {
        seen.push(ctx);
        return new Response(`put ${request.method}`);
      }
    }
    const ctx = context();
    const response = await new Echo().dispatch(new Request(PAGE, { method: "PUT" }), ctx);
    expect(await response.text()).toBe("put PUT");
    expect(seen).toEqual([ctx]);
  });

  it("answers each defined method and keeps the handler's status and headers", async () => {
    const view = new ReadWrite();
    const get = await view.dispatch(new Request(PAGE), context());
    expect(get.status).toBe(203);
    expect(get.headers.get("x-view")).toBe("read-only");
    expect(await get.text()).toBe("got /view/");
    const post = await view.dispatch(new Request(PAGE, { method: "POST", body: "a=1" }), context());
    expect([post.status, await post.text()]).toEqual([201, "posted a=1"]);
    const del = await view.dispatch(new Request(PAGE, { method: "DELETE" }), context());
    expect(del.status).toBe(204);
  });

  it("answers 405 with Allow listing the defined methods for a missing handler", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"]) {
      const response = await new ReadOnly().dispatch(new Request(PAGE, { method }), context());
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect(await response.text()).toBe("");
    }
    const patch = await new ReadWrite().dispatch(new Request(PAGE, { method: "PATCH" }), context());
    expect(patch.status).toBe(405);
    expect(patch.headers.get("allow")).toBe("GET, POST, DELETE, HEAD, OPTIONS");
  });

  it("lists no HEAD when there is no GET, and answers 405 to everything a bare View gets", async () => {
    class PostOnly extends View {
      override post() {
        return new Response("ok");
      }
    }
    const head = await new PostOnly().dispatch(new Request(PAGE, { method: "HEAD" }), context());
    expect(head.status).toBe(405);
    expect(head.headers.get("allow")).toBe("POST, OPTIONS");
    const bare = await new View().dispatch(new Request(PAGE), context());
    expect([bare.status, bare.headers.get("allow")]).toEqual([405, "OPTIONS"]);
  });

  it("answers HEAD with GET's status and headers but no body", async () => {
    const response = await new ReadOnly().dispatch(
      new Request(PAGE, { method: "HEAD" }),
      context(),
    );
    expect(response.status).toBe(203);
    expect(response.headers.get("x-view")).toBe("read-only");
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.body).toBeNull();
  });

  it("prefers its own head handler over the GET fallback", async () => {
    class WithHead extends ReadOnly {
      override head() {
        return new Response(null, { status: 200, headers: { "x-view": "head" } });
      }
    }
    const response = await new WithHead().dispatch(
      new Request(PAGE, { method: "HEAD" }),
      context(),
    );
    expect([response.status, response.headers.get("x-view")]).toEqual([200, "head"]);
  });

  it("answers OPTIONS with 200, an empty body and Allow", async () => {
    const response = await new ReadWrite().dispatch(
      new Request(PAGE, { method: "OPTIONS" }),
      context(),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("allow")).toBe("GET, POST, DELETE, HEAD, OPTIONS");
    expect(response.headers.get("content-length")).toBe("0");
    expect(await response.text()).toBe("");
  });

  it("refuses methods left out of httpMethodNames, even with a handler", async () => {
    class GetOnly extends ReadWrite {
      override httpMethodNames = ["get", "post"] as const;
    }
    const del = await new GetOnly().dispatch(new Request(PAGE, { method: "DELETE" }), context());
    expect([del.status, del.headers.get("allow")]).toEqual([405, "GET, POST"]);
    const options = await new GetOnly().dispatch(
      new Request(PAGE, { method: "OPTIONS" }),
      context(),
    );
    expect(options.status).toBe(405);
    expect((await new GetOnly().dispatch(new Request(PAGE), context())).status).toBe(203);
  });

  it("lets a subclass change the 405 answer", async () => {
    class Custom extends ReadOnly {
      override httpMethodNotAllowed() {
        return new Response("nope", {
          status: 405,
          headers: { allow: this.allowedMethods().join() },
        });
      }
    }
    const response = await new Custom().dispatch(new Request(PAGE, { method: "POST" }), context());
    expect([await response.text(), response.headers.get("allow")]).toEqual([
      "nope",
      "GET,HEAD,OPTIONS",
    ]);
  });
});

describe("View.asView", () => {
  it("makes a new instance per request, so state never leaks between requests", async () => {
    const instances: Counter[] = [];
    class Counter extends View {
      hits = 0;
      constructor() {
        super();
        instances.push(this);
      }
      override get() {
        this.hits += 1;
        return new Response(String(this.hits));
      }
    }
    const handler = Counter.asView();
    expect(instances).toHaveLength(0);
    const first = await handler(new Request(PAGE), context());
    const second = await handler(new Request(PAGE), context());
    expect([await first.text(), await second.text()]).toEqual(["1", "1"]);
    expect(instances).toHaveLength(2);
    expect(instances[0]).not.toBe(instances[1]);
  });

  it("forwards its arguments to the constructor of every instance", async () => {
    class Greeting extends View {
      constructor(
        readonly greeting: string,
        readonly times: number,
      ) {
        super();
      }
      override get() {
        return new Response(Array(this.times).fill(this.greeting).join(" "));
      }
    }
    const handler = Greeting.asView("Hi", 2);
    expect(await (await handler(new Request(PAGE), context())).text()).toBe("Hi Hi");
    expect(await (await handler(new Request(PAGE), context())).text()).toBe("Hi Hi");
  });

  it("adds the state's pending Set-Cookie values to the response, once", async () => {
    const ctx = context();
    ctx.state.setCookies.push("a=1; Path=/", "b=2; Path=/");
    const response = await ReadOnly.asView()(new Request(PAGE), ctx);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(response.headers.get("x-view")).toBe("read-only");
    expect(ctx.state.setCookies).toEqual([]);
    const none = await ReadOnly.asView()(new Request(PAGE), ctx);
    expect(none.headers.getSetCookie()).toEqual([]);
  });

  it("adds the cookies to 405 and HEAD answers too", async () => {
    const ctx = context();
    ctx.state.setCookies.push("a=1");
    const refused = await ReadOnly.asView()(new Request(PAGE, { method: "PUT" }), ctx);
    expect([refused.status, refused.headers.getSetCookie()]).toEqual([405, ["a=1"]]);
    ctx.state.setCookies.push("b=2");
    const head = await ReadOnly.asView()(new Request(PAGE, { method: "HEAD" }), ctx);
    expect([head.status, head.headers.getSetCookie(), head.body]).toEqual([203, ["b=2"], null]);
  });
});
