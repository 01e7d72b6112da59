import { guestUser } from "../utils/guest-user";

/** For registered users only: a guest goes to /convert/?next=/members, a stranger to log in. */
export default defineEventHandler(
  guestUser.regularUserRequired((event) => {
    const { user } = event.context as { user: { username: string } };
    return `Members only: welcome, ${user.username}.`;
  }),
);
