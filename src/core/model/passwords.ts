import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import * as v from "valibot";
import { describe, type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { given, isWhole } from "../../shared/option-values.ts";

/**
 * scrypt cost parameters. They are written into every hash, so raising them later only
 * affects new hashes; old ones still verify.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. @default 16 (64 MiB per hash) */
  readonly logN: number;
  /** Block size. @default 8 */
  readonly r: number;
  /** Parallelism. @default 1 */
  readonly p: number;
}

/** OWASP's recommended minimum for scrypt is N=2^17 or, as here, N=2^16 with r=8, p=1. */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 16, r: 8, p: 1 };

const param = v.optional(given<number>());

/** The `passwordHashing` option's schema: the three parameters checked together. */
export const SCRYPT_PARAMS = v.pipe(
  optionBag({ logN: param, r: param, p: param } satisfies EntriesOf<ScryptParams>),
  v.transform((params) => params as ScryptParams),
  v.check(
    ({ logN, r, p }) => isWhole(logN, 10, 22) && isWhole(r, 1) && isWhole(p, 1),
    (issue) => `expected { logN: 10..22, r: >= 1, p: >= 1 }, got ${describe(issue.input)}`,
  ),
);

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, { logN, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * Hashes a password with scrypt (memory-hard, from node:crypto) into a self-describing string:
 * `$scrypt$ln=16,r=8,p=1$<salt>$<hash>` (base64).
 *
 * @example
 * ```ts
 * const hash = await hashPassword("correct horse battery staple");
 * await verifyPassword(hash, "correct horse battery staple"); // true
 * ```
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

const HASH_FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/**
 * Checks a password against a hash from {@link hashPassword}, comparing in constant time.
 * A `null` hash (a guest: no usable password) or a malformed one never matches, but costs
 * the same time as a real check with `dummyParams` (pass your configured ones), so timing does not
 * tell which users exist.
 *
 * @example
 * ```ts
 * if (await verifyPassword(user.passwordHash, submitted)) logIn(user);
 * ```
 */
export async function verifyPassword(
  hash: string | null,
  password: string,
  dummyParams: ScryptParams = DEFAULT_SCRYPT,
): Promise<boolean> {
  const parts = usableParts(hash);
  if (!parts) {
    await derive(password, DUMMY_SALT, dummyParams);
    return false;
  }
  const stored = { logN: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
  const expected = Buffer.from(parts[5] as string, "base64");
  const actual = await derive(password, Buffer.from(parts[4] as string, "base64"), stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The parts of a hash {@link verifyPassword} can check, or null (none, malformed, absurd cost). */
function usableParts(hash: string | null): RegExpExecArray | null {
  const parts = hash ? HASH_FORMAT.exec(hash) : null;
  const logN = Number(parts?.[1]);
  return parts && logN >= 1 && logN <= 22 ? parts : null;
}

/**
 * True when a user with this hash has a password they can type ({@link verifyPassword} can
 * match it); false for `null` (guests, accounts made through a social identity) and for a
 * malformed hash.
 *
 * @example
 * ```ts
 * const confirmWith = hasUsablePassword(row.passwordHash) ? "password" : "a recent sign-in";
 * ```
 */
export function hasUsablePassword(hash: string | null): boolean {
  return usableParts(hash) !== null;
}

/** True when a hash was made with weaker parameters than `params` (rehash it on next login). */
export function needsRehash(hash: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parts = HASH_FORMAT.exec(hash);
  if (!parts) return true;
  return (
    Number(parts[1]) < params.logN || Number(parts[2]) < params.r || Number(parts[3]) < params.p
  );
}

const DUMMY_SALT = randomBytes(16);
