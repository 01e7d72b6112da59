import Fastify from "fastify";
import { guestUserFastify } from "../../../src/adapters/fastify/index.ts";
import { accountViews } from "../../../src/index.ts";
import { listenFastify } from "../../support/adapter-servers.ts";
import { describeCsrfField } from "../csrf-field-suite.ts";

describeCsrfField("Fastify", async (guestUsers) => {
  const guestUser = guestUserFastify(guestUsers);
  const app = Fastify();
  await app.register(guestUser.session());
  await app.register(guestUser.routes(accountViews(guestUser.http)));
  app.get("/home/", { preHandler: guestUser.allowGuestUser() }, async (request, reply) => {
    const field = await guestUser.csrfField(request, reply);
    return reply.type("text/html").send(`<p id="who">${request.user?.username}</p>
<form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>
<form method="post" action="/notes/">${await guestUser.csrfField(request, reply)}<button>Save</button></form>`);
  });
  app.post("/notes/", async (request, reply) => {
    const { csrf_token } = (request.body ?? {}) as { csrf_token?: string };
    if (!(await guestUser.verifyCsrf(request, csrf_token)))
      return reply.code(403).send("Forbidden");
    return reply.type("text/plain").send(`saved by ${request.user?.username}`);
  });
  app.get("/plain/", async () => "no form here");
  return listenFastify(app);
});
