import { randomInt } from "node:crypto";
import type { Db } from "../../store/dialect.ts";
import type { IdentityQueries } from "../../store/identity-store.ts";
import { usernameKey } from "../../store/username-case.ts";
import type { Identity } from "./types.ts";

/** What a username may hold: the convert form's characters (letters, digits, `@.+-_`). */
const NOT_ALLOWED = /[^\p{L}\p{M}\p{N}_.@+-]/gu;

/** Cuts to at most `max` characters (code points, as the database counts them). */
function cut(name: string, max: number): string {
  const chars = Array.from(name);
  return chars.length <= max ? name : chars.slice(0, Math.max(0, max)).join("");
}

/** `value` NFKC-normalized with the characters a username may not hold removed, or "". */
function clean(value: string | null | undefined): string {
  return typeof value === "string" ? value.normalize("NFKC").replace(NOT_ALLOWED, "") : "";
}

/**
 * The username an identity suggests, before any suffix: its preferred username, else the
 * local part of its e-mail, else `<provider>user`; NFKC-normalized, stripped of characters a
 * username may not hold, cut to `maxLength`.
 *
 * @example
 * ```ts
 * identityUsername({ provider: "github", subject: "1", preferredUsername: "Rufus" }, 150); // "Rufus"
 * identityUsername({ provider: "oidc", subject: "2", email: "ada.l@example.com" }, 150); // "ada.l"
 * identityUsername({ provider: "oidc", subject: "3" }, 150); // "oidcuser"
 * ```
 */
export function identityUsername(identity: Identity, maxLength: number): string {
  const email = identity.email ?? "";
  const localPart = email.includes("@") ? email.slice(0, email.lastIndexOf("@")) : "";
  const base =
    clean(identity.preferredUsername) ||
    clean(localPart) ||
    clean(`${identity.provider}user`) ||
    "user";
  return cut(base, maxLength);
}

/**
 * `base` with the numeric suffix `n` (none for 1: "Rufus", "Rufus2", "Rufus3"...), the base
 * shortened so that the whole fits `maxLength`.
 */
export function withSuffix(base: string, n: number, maxLength: number): string {
  if (n <= 1) return cut(base, maxLength);
  const suffix = String(n);
  return `${cut(base, maxLength - suffix.length)}${suffix}`;
}

/** Batches of suffixes asked at once: 20 names, then 80, 320, then 1,000 at a time. */
const FIRST_BATCH = 20;
const LARGEST_BATCH = 1000;
const ROUNDS = 8;

/**
 * The first free name of `base`, `base2`, `base3`... as the reference does ("Rufus3" when
 * "Rufus" and "Rufus2" are taken), found with one query per batch of candidates on the
 * username index (never one per name). Names in `avoid` (usernameKey form: the reserved
 * usernames, and ones that just lost a race) are skipped. After some 4,000 taken names, a random six-to-nine-digit suffix.
 */
export async function freeUsername(
  db: Db,
  queries: IdentityQueries,
  base: string,
  maxLength: number,
  avoid: ReadonlySet<string> = new Set(),
): Promise<string> {
  let from = 1;
  let size = FIRST_BATCH;
  for (let round = 0; round < ROUNDS; round++) {
    const candidates = Array.from({ length: size }, (_, i) =>
      withSuffix(base, from + i, maxLength),
    );
    const taken = await queries.takenUsernames(db, candidates);
    const free = candidates.find((name) => {
      const key = usernameKey(name);
      return !taken.has(key) && !avoid.has(key);
    });
    if (free) return free;
    from += size;
    size = Math.min(size * 4, LARGEST_BATCH);
  }
  return withSuffix(base, randomInt(100_000, 1_000_000_000), maxLength);
}
