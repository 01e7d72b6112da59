/**
 * Hides the password of every URL in `text` (`postgres://app:hunter2@db/app` becomes
 * `postgres://app:***@db/app`), for messages that repeat a value they were given.
 *
 * @example
 * ```ts
 * hideCredentials("redis://:pw@cache:6379"); // "redis://:***@cache:6379"
 * ```
 */
export function hideCredentials(text: string): string {
  return text.replace(/\/\/([^:/@\s"]*):[^@/\s"]*@/g, "//$1:***@");
}
