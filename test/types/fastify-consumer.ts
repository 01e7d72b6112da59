// What a package user writes with Fastify: must compile under --strict (see consumers.test.ts).
import Fastify from "fastify";
import { createGuestUsers, type RequestState, type User } from "guest-user";
import { guestUserFastify } from "guest-user/fastify";

const guestUser = guestUserFastify(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
const app = Fastify();
await app.register(guestUser.session());

app.get("/", async (request, reply) => {
  const user: User | null = request.user;
  const state: RequestState | null = request.guestUser;
  const isGuest: boolean = request.isGuest;
  const field: string = await guestUser.csrfField(request, reply);
  return reply
    .type("text/html")
    .send(`<p>${user?.username ?? "anonymous"} ${state?.isGuest} ${isGuest}</p>
    <form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>`);
});
app.post("/notes/", async (request, reply) => {
  const { csrf_token } = request.body as { csrf_token?: string };
  if (!(await guestUser.verifyCsrf(request, csrf_token))) return reply.code(403).send("Forbidden");
  return { token: await guestUser.csrfToken(request, reply) };
});

await app.listen({ port: 3000 });
