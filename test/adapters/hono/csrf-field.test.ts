import { Hono } from "hono";
import { type GuestUserEnv, guestUserHono } from "../../../src/adapters/hono/index.ts";
import { accountViews } from "../../../src/index.ts";
import { listenHono } from "../../support/adapter-servers.ts";
import { describeCsrfField } from "../csrf-field-suite.ts";

describeCsrfField("Hono", async (guestUsers) => {
  const guestUser = guestUserHono(guestUsers);
  // The chained form types c.var from the session middleware (no generic needed).
  const app = new Hono().use(guestUser.session());
  app.use(guestUser.routes(accountViews(guestUser.http)));
  app.get("/home/", guestUser.allowGuestUser(), async (c) =>
    c.html(`<p id="who">${c.var.user?.username}</p>
<form method="post" action="/accounts/logout/">${await guestUser.csrfField(c)}<button>Log out</button></form>
<form method="post" action="/notes/">${await guestUser.csrfField(c)}<button>Save</button></form>`),
  );
  app.post("/notes/", async (c) => {
    const form = await c.req.parseBody();
    if (!(await guestUser.verifyCsrf(c, form.csrf_token))) return c.text("Forbidden", 403);
    return c.text(`saved by ${c.var.user?.username}`);
  });
  app.get("/plain/", (c) => c.text("no form here"));
  return listenHono(app);
});

describeCsrfField("Hono, without the session middleware", async (guestUsers) => {
  const guestUser = guestUserHono(guestUsers);
  // The generic types c.var for handlers without a guard.
  const app = new Hono<GuestUserEnv>();
  app.use(guestUser.routes(accountViews(guestUser.http)));
  app.get("/home/", guestUser.allowGuestUser(), async (c) =>
    c.html(`<p id="who">${c.var.user?.username}</p>
<form method="post" action="/accounts/logout/">${await guestUser.csrfField(c)}<button>Log out</button></form>
<form method="post" action="/notes/">${await guestUser.csrfField(c)}<button>Save</button></form>`),
  );
  app.post("/notes/", async (c) => {
    const form = await c.req.parseBody();
    if (!(await guestUser.verifyCsrf(c, form.csrf_token))) return c.text("Forbidden", 403);
    return c.text(`saved by ${c.var.user?.username}`);
  });
  app.get("/plain/", (c) => c.text("no form here"));
  return listenHono(app);
});
