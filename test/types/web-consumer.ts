// Framework-free helpers on Web requests: must compile under --strict (see consumers.test.ts).
import {
  allowGuestUser,
  createGuestUserHttp,
  createGuestUsers,
  csrfField,
  fetchHandler,
} from "guest-user";
import { csrfInput } from "guest-user/templates";

const http = createGuestUserHttp(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));

export const handle = fetchHandler(http, [allowGuestUser()], async (request, { state }) => {
  const field: string = csrfField(http, request, state);
  const same: string = csrfInput(http.csrfToken(request, state));
  return new Response(
    `<form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>${same.length}`,
    {
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );
});
