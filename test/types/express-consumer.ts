// What a package user writes with Express: must compile under --strict (see consumers.test.ts).
import express from "express";
import { createGuestUsers, type RequestState, type User } from "guest-user";
import { guestUserExpress } from "guest-user/express";

const guestUser = guestUserExpress(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
const app = express();
app.use(guestUser.session());
app.use(guestUser.router());

app.get("/", async (req, res) => {
  const user: User | undefined = req.user;
  const state: RequestState | undefined = req.guestUser;
  const isGuest: boolean | undefined = req.isGuest;
  const field: string = await guestUser.csrfField(req, res);
  const token: string | undefined = res.locals.csrfToken;
  res.send(`<p>${user?.username ?? "anonymous"} ${state?.isGuest} ${isGuest} ${token}</p>
    <form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>`);
});
app.post("/notes/", express.urlencoded({ extended: false }), async (req, res) => {
  if (!(await guestUser.verifyCsrf(req, res, req.body.csrf_token))) {
    res.sendStatus(403);
    return;
  }
  res.json({ token: await guestUser.csrfToken(req, res) });
});

app.listen(3000);
