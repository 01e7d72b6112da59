import { expect } from "vitest";
import { cookieClient } from "./cookies.ts";

/** What the test apps' `/page/` and `/mixin/` answer (see `stateJson` in adapter-servers.ts). */
export interface PageBody {
  user: { id: number | string; username: string; isGuest: boolean } | null;
  guestPending: boolean;
}

/**
 * A browser on one of the `adapterServers` apps: keeps cookies and sends them back, reads the
 * CSRF token an anonymous page would embed, and calls `/page/`.
 */
export function pageBrowser(base: string) {
  const { jar, send } = cookieClient(base);
  return {
    jar,
    send,
    /** The CSRF token an anonymous page would embed (the login form's, as JSON). */
    async csrfToken(): Promise<string> {
      const response = await send("/accounts/login/", { headers: { accept: "application/json" } });
      return ((await response.json()) as { csrfToken: string }).csrfToken;
    },
    /** `/page/` with this method; expects a 200 and returns who the app saw. */
    async page(method: string, init: RequestInit = {}): Promise<PageBody> {
      const response = await send("/page/", { ...init, method });
      expect(response.status).toBe(200);
      return (await response.json()) as PageBody;
    },
  };
}
