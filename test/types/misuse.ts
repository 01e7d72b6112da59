// Wrong uses the types must refuse: each line under `@ts-expect-error` has to fail to compile,
// else tsc reports the directive as unused (see consumers.test.ts).
import express from "express";
import Fastify from "fastify";
import { createGuestUsers } from "guest-user";
import { guestUserExpress } from "guest-user/express";
import { guestUserFastify } from "guest-user/fastify";
import { type GuestUserEnv, guestUserHono } from "guest-user/hono";
import { Hono } from "hono";

const guestUsers = createGuestUsers({ secret: process.env.GUEST_USER_SECRET });

// Hono: the user may be null (an anonymous visitor), even when the app is typed.
const hono = guestUserHono(guestUsers);
const typed = new Hono<GuestUserEnv>();
// @ts-expect-error c.var.user is possibly null: check it first
typed.get("/", (c) => c.text(c.var.user.username));
new Hono()
  .use(hono.session())
  // @ts-expect-error c.var.user is possibly null, in the chained form too
  .get("/", (c) => c.text(c.var.user.username));

// Hono: a separate `app.use(session())` statement cannot retype `app`: declare the generic.
const untyped = new Hono();
untyped.use(hono.session());
// @ts-expect-error `user` is not a variable of a plain `new Hono()`
untyped.get("/", (c) => c.text(c.var.user?.username ?? ""));

// The CSRF helpers are async: forgetting `await` is a type error, not "[object Promise]".
typed.get("/form/", (c) => {
  // @ts-expect-error csrfField returns a Promise<string>
  const field: string = hono.csrfField(c);
  return c.html(field);
});

// Express: req.user is undefined for an anonymous visitor.
const expressAdapter = guestUserExpress(guestUsers);
const app = express();
app.get("/", async (req, res) => {
  // @ts-expect-error req.user is possibly undefined
  res.send(req.user.username);
  // @ts-expect-error csrfField needs `res` (the CSRF cookie may have to be set)
  res.send(await expressAdapter.csrfField(req));
});

// Fastify: request.user is null for an anonymous visitor.
const fastifyAdapter = guestUserFastify(guestUsers);
const fastify = Fastify();
fastify.get("/", async (request, reply) => {
  // @ts-expect-error request.user is possibly null
  const name: string = request.user.username;
  // @ts-expect-error request.guestUser is null before the plugin ran
  const isGuest: boolean = request.guestUser.isGuest;
  return reply.send(`${name} ${isGuest} ${await fastifyAdapter.csrfField(request, reply)}`);
});
