import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from "express";
import {
  accountViews,
  createGuestUsers,
  type GuestUsers,
  type RequestState,
  type User,
} from "guest-user";
import { guestUserExpress } from "guest-user/express";
import { CSRF_FIELD } from "guest-user/templates";
import { accountTemplates } from "./account-pages.ts";
import { layout, PATHS, type SignInLink } from "./layout.ts";
import { checkNoteText, notesStore } from "./notes.ts";
import { adminAccess, adminRoutes, type DemoOidcOptions, socialLogin } from "./operations.ts";
import { homePage, messagePage } from "./pages.ts";

export type { DemoOidcOptions } from "./operations.ts";

/** How to build the demo. */
export interface DemoOptions {
  /** A database URL; the embedded SQLite file by default. */
  readonly database: string;
  /** At least 32 random characters (CSRF tokens are signed with it). */
  readonly secret: string;
  /** Where to log; `console` by default. */
  readonly logger?: Pick<Console, "log" | "warn" | "error">;
  /**
   * The usernames that may use the guest admin at `/admin/guests/` (accounts with a password
   * only; compared without case), besides staff. None: the admin is not mounted.
   * @default []
   * @example ["ada"]
   */
  readonly adminUsers?: readonly string[];
  /**
   * One OpenID Connect provider for "Sign in with ..." buttons; null: none (and
   * `guest-user/oauth` is never imported).
   * @default null
   */
  readonly oidc?: DemoOidcOptions | null;
  /**
   * Notes a guest may add per day (the `quotas` option, quota `notes`); registered users are
   * unlimited. Past it the guest gets the library's 429 page offering to sign up.
   * @default 10
   * @example 3
   */
  readonly guestNotesPerDay?: number;
}

/** The running pieces: the Express app, and how to close the database when done. */
export interface Demo {
  readonly app: express.Express;
  readonly guestUsers: GuestUsers;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/**
 * The notes app: anyone opening `/` works at once as a guest; the built-in views
 * (`/convert/`, `/accounts/login/`, ...) turn the guest into a registered user, keeping every
 * note, and a guest who logs in to an existing account brings its notes along (`ownership`).
 * "Your account" is the library's account page (`/accounts/profile/`); with `adminUsers`, the
 * guest admin is at `/admin/guests/`; with `oidc`, "Sign in with ..." buttons convert a guest
 * through an OpenID Connect provider.
 *
 * @example
 * ```ts
 * const demo = await createDemo({ database: "sqlite::memory:", secret, adminUsers: ["ada"] });
 * demo.app.listen(3000);
 * ```
 */
export async function createDemo(options: DemoOptions): Promise<Demo> {
  const logger = options.logger ?? console;
  const guestUsers = createGuestUsers({
    database: options.database,
    secret: options.secret,
    nameGenerator: "friendly",
    loginRedirectUrl: "/",
    logger,
    // Quotas by user type (issue 20): a guest adds `guestNotesPerDay` notes a day, an account more.
    quotas: {
      notes: {
        guest: { max: options.guestNotesPerDay ?? 10, windowSeconds: 86_400 },
        registered: null,
      },
    },
    // The notes belong to their user: a guest who logs in to an existing account (by password
    // or by a known social login) brings them along, moved inside the merge's transaction.
    ownership: { tables: [{ table: "notes", column: "user_id" }] },
  });
  await guestUsers.migrate();
  const notes = notesStore(guestUsers);
  await notes.createTable();

  guestUsers.on("guestCreated", ({ user }) => logger.log(`new guest: ${user.username}`));
  guestUsers.on("converted", ({ user }) => logger.log(`guest signed up as ${user.username}`));
  // The notes already moved (the `ownership` option above): this only tells the log.
  guestUsers.on("merged", ({ guest, user }) =>
    logger.log(`guest ${guest.username} logged in as ${user.username}: notes moved`),
  );
  guestUsers.on("deleted", ({ user, by }) =>
    logger.log(`account ${user.username} deleted (${by})`),
  );

  const guestUser = guestUserExpress(guestUsers);
  const guestDays = Math.round(guestUsers.settings.maxAge / 86_400);
  const isAdmin = adminAccess(options.adminUsers ?? []);
  const adminUrlFor = (user: User | null) => (user && isAdmin(user) ? PATHS.admin : null);
  let signIn = (_next: string): readonly SignInLink[] => [];

  const stateOf = (req: Request): RequestState => {
    if (!req.guestUser) throw new Error("guestUser.session() must run before the demo's routes");
    return req.guestUser;
  };

  const render = async (
    req: Request,
    res: Response,
    status: number,
    title: string,
    body: string,
    guestBanner = false,
  ) => {
    const user: User | null = req.guestUser?.user ?? null;
    // No state when the session lookup itself failed (database down): no logout button then.
    const token = req.guestUser ? await guestUser.csrfToken(req, res).catch(() => null) : null;
    res
      .status(status)
      .type("html")
      .set("Cache-Control", "no-store")
      .send(
        layout({
          title,
          body,
          user,
          csrfToken: token,
          guestBanner,
          guestDays,
          adminUrl: adminUrlFor(user),
          signIn: signIn("/"),
        }),
      );
  };

  const renderHome = async (
    req: Request,
    res: Response,
    status = 200,
    draft?: string,
    error?: string,
  ) => {
    const user = req.guestUser?.user;
    const list = user ? await notes.list(user.id) : [];
    const body = homePage({
      notes: list,
      csrfToken: await guestUser.csrfToken(req, res),
      draft,
      error,
    });
    await render(req, res, status, "Your notes", body, true);
  };

  /** Refuses (403) a POST without this visitor's CSRF token; sends anonymous visitors home. */
  const checkPost: RequestHandler = async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!(await guestUser.verifyCsrf(req, res, body[CSRF_FIELD]))) {
      await render(
        req,
        res,
        403,
        "Form expired",
        messagePage(
          "This form has expired",
          "It was opened in another session or did not come from this site. Go back, reload the page and try again.",
        ),
      );
      return;
    }
    if (!req.guestUser?.user) {
      res.redirect(303, "/");
      return;
    }
    next();
  };

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  app.use(guestUser.session());
  const templates = accountTemplates({ adminUrlFor, signIn: (next) => signIn(next) });
  app.use(guestUser.router(accountViews(guestUser.http, { templates })));
  if (options.adminUsers?.length) app.use(guestUser.router(adminRoutes(guestUser.http, isAdmin)));
  if (options.oidc) {
    const social = await socialLogin(guestUser.http, options.oidc, templates.layout).catch(
      async (error: unknown) => {
        await guestUsers.close();
        throw error;
      },
    );
    signIn = social.signIn;
    app.use(guestUser.router(social.routes));
  }

  app.get("/", guestUser.allowGuestUser(), async (req, res) => {
    await renderHome(req, res);
  });

  const form = express.urlencoded({ extended: false, limit: "16kb" });

  const notesQuota = guestUser.quota("notes", { templates }); // 429 + sign-up offer past it
  app.post("/notes", form, checkPost, notesQuota, async (req, res) => {
    const user = stateOf(req).user as User;
    const submitted: unknown = req.body?.text;
    const checked = checkNoteText(submitted);
    if ("error" in checked) {
      const draft = typeof submitted === "string" ? submitted : "";
      await renderHome(req, res, 422, draft, checked.error);
      return;
    }
    await notes.add(user.id, checked.text);
    res.redirect(303, "/");
  });

  app.post("/notes/:id/delete", form, checkPost, async (req, res) => {
    const user = stateOf(req).user as User;
    const id = String(req.params.id);
    if (/^\d{1,15}$/.test(id)) await notes.remove(user.id, Number(id));
    res.redirect(303, "/");
  });

  app.use(async (req, res) => {
    await render(
      req,
      res,
      404,
      "Not found",
      messagePage("Page not found", "There is nothing here."),
    );
  });

  const onError: ErrorRequestHandler = (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // Body-parser errors (413, 400) are safe to show; anything else is logged, not shown.
    const status = Number((error as { status?: unknown }).status);
    if (status >= 400 && status < 500) {
      void render(
        req,
        res,
        status,
        "Bad request",
        messagePage("That did not work", String(error.message)),
      );
      return;
    }
    logger.error("demo: request failed", error);
    void render(
      req,
      res,
      500,
      "Server error",
      messagePage("Something went wrong", "Please try again in a moment."),
    );
  };
  app.use(onError);

  return { app, guestUsers, close: () => guestUsers.close() };
}
