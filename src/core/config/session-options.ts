/** Session options. */
export interface SessionOptions {
  /** Seconds a session lives without activity (sliding expiry). @default 1209600 (14 days) */
  readonly maxAge?: number;
  /**
   * Seconds between two extensions of a session's expiry (and of a guest's `last_seen_at`):
   * the only write a returning visitor ever causes, at most this often.
   * @default 3600
   */
  readonly refreshInterval?: number;
}

/** The session cookie. */
export interface CookieOptions {
  /** @default "guest_user_session" */
  readonly name?: string;
  /** `"auto"`: Secure everywhere but on localhost (plain-HTTP development). @default "auto" */
  readonly secure?: boolean | "auto";
  /** @default undefined (the current host only) */
  readonly domain?: string | undefined;
  /** @default "/" */
  readonly path?: string;
}
