import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { afterAll, beforeAll, expect, it } from "vitest";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import { accountViews } from "../../../src/index.ts";
import { listenExpress } from "../../support/adapter-servers.ts";
import { cookieClient } from "../../support/cookies.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { describeCsrfField } from "../csrf-field-suite.ts";

describeCsrfField("Express", async (guestUsers) => {
  const guestUser = guestUserExpress(guestUsers);
  const app = express();
  app.use(guestUser.session());
  app.use(guestUser.router(accountViews(guestUser.http)));
  app.get("/home/", guestUser.allowGuestUser(), async (req, res) => {
    const field = await guestUser.csrfField(req, res);
    res.send(`<p id="who">${req.user?.username}</p>
<form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>
<form method="post" action="/notes/">${await guestUser.csrfField(req, res)}<button>Save</button></form>`);
  });
  app.post("/notes/", express.urlencoded({ extended: false }), async (req, res) => {
    if (!(await guestUser.verifyCsrf(req, res, req.body?.csrf_token))) {
      res.status(403).send("Forbidden");
      return;
    }
    res.send(`saved by ${req.user?.username}`);
  });
  app.get("/plain/", (_req, res) => {
    res.send("no form here");
  });
  return listenExpress(app);
});

describeEachDatabase("csrfToken in Express templates (res.locals)", (fx) => {
  let views = "";
  beforeAll(() => {
    views = mkdtempSync(join(tmpdir(), "guest-user-views-"));
    writeFileSync(join(views, "page.txt"), "");
  });
  afterAll(() => rmSync(views, { recursive: true, force: true }));
  /** An app whose view engine shows what templates receive as `csrfToken`. */
  const start = async () => {
    const guestUser = guestUserExpress(await fx.open({ secret: "t".repeat(40) }));
    const app = express();
    app.engine("txt", (_path, locals: { csrfToken?: string }, done) =>
      done(null, `token=${locals.csrfToken}`),
    );
    app.set("view engine", "txt");
    app.set("views", views);
    app.use(guestUser.session());
    app.get("/asked/", async (req, res) => {
      const token = await guestUser.csrfToken(req, res);
      res.set("x-token", token).render("page");
    });
    app.get("/not-asked/", (_req, res) => {
      res.render("page");
    });
    return listenExpress(app);
  };

  it("after guestUser.csrfToken(req, res) templates get it as csrfToken; never computed unless asked", async () => {
    const server = await start();
    try {
      const client = cookieClient(server.url);
      const asked = await client.send("/asked/");
      expect(asked.status).toBe(200);
      expect(await asked.text()).toBe(`token=${asked.headers.get("x-token")}`);
      expect(asked.headers.get("x-token")).toMatch(/^[\w-]{40,}$/);
      const fresh = cookieClient(server.url);
      const notAsked = await fresh.send("/not-asked/");
      expect(await notAsked.text()).toBe("token=undefined");
      expect(fresh.jar.size).toBe(0);
    } finally {
      await server.close();
    }
  });
});
