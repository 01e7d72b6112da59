/**
 * The floors' `/page` handlers, framework-free: what a hand-written app with no library would
 * do around guest-user's statements, and no more: floor (a) reads the session id out of the
 * Cookie header and runs the lookup; floor (b) writes a guest and sets its cookie. Both answer
 * the page's JSON, `{"user": {id, username, isGuest}}`, as the guest-user servers do.
 */
import type { FloorDriver } from "./floor-drivers.ts";

/** What a floor page answers: the body, and a new guest's cookie (floor (b)). */
export interface FloorAnswer {
  readonly body: { user: unknown };
  readonly setCookie?: string;
}

const COOKIE = "guest_user_session=";

/** The session id of the guest_user_session cookie (the token's part before the dot). */
function sessionId(header: string | undefined): string | null {
  const at = header?.indexOf(COOKIE) ?? -1;
  if (!header || at < 0) return null;
  const start = at + COOKIE.length;
  const end = header.indexOf(".", start);
  return end < 0 ? null : header.slice(start, end);
}

/** Floor (a): the lookup of the visitor's session, nothing else. */
export function lookupPage(driver: FloorDriver) {
  return async (cookie: string | undefined): Promise<FloorAnswer> => {
    const id = sessionId(cookie);
    return { body: { user: id === null ? null : await driver.lookup(id) } };
  };
}

/** Floor (b): a first visit's writes, and the cookie. */
export function insertPage(driver: FloorDriver) {
  return async (): Promise<FloorAnswer> => {
    const { user, token } = await driver.insertGuest();
    return {
      body: { user },
      setCookie: `${COOKIE}${token}; Path=/; HttpOnly; SameSite=Lax`,
    };
  };
}
