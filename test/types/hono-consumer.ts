// What a package user writes with Hono: must compile under --strict (see consumers.test.ts).
import { serve } from "@hono/node-server";
import { createGuestUsers, type User } from "guest-user";
import { type GuestUserEnv, guestUserHono } from "guest-user/hono";
import { Hono } from "hono";

const guestUser = guestUserHono(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));

// 1. Chained: `use()` returns the app with the session middleware's Env, so `c.var` is typed.
const app = new Hono().use(guestUser.session());
app.get("/", async (c) => {
  const user: User | null = c.var.user;
  const isGuest: boolean = c.var.isGuest;
  const field: string = await guestUser.csrfField(c);
  return c.html(`<p>${user?.username ?? "anonymous"} ${isGuest}</p>
    <form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>`);
});
app.post("/notes/", async (c) => {
  const form = await c.req.parseBody();
  if (!(await guestUser.verifyCsrf(c, form.csrf_token))) return c.text("Forbidden", 403);
  return c.json({ token: await guestUser.csrfToken(c), state: c.var.guestUser.isGuest });
});

// 2. The generic: a separate `use()` statement, typed by the declaration.
const generic = new Hono<GuestUserEnv>();
generic.use(guestUser.session());
generic.get("/", (c) => c.text(c.var.user?.username ?? "anonymous"));
generic.get("/id", (c) => c.json({ id: c.get("user")?.id ?? null }));

// 3. No session middleware: a guard types its handler.
const guarded = new Hono();
guarded.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
// The helpers take any app's context, typed or not.
guarded.post("/form/", async (c) => {
  const form = await c.req.parseBody();
  const ok: boolean = await guestUser.verifyCsrf(c, form.csrf_token);
  const guest = await guestUser.ensureGuest(c);
  return c.html(`${ok} ${guest?.id} ${await guestUser.csrfField(c)} ${guestUser.isGuestUser(c)}`);
});

serve({ fetch: app.fetch, port: 3000 });

export { generic, guarded };
