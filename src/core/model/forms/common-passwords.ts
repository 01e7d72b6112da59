/**
 * The common-password list: the 20,000 most common entries of the password list shipped in
 * the npm package `@zxcvbn-ts/language-common` 4.1.3 (https://github.com/zxcvbn-ts/zxcvbn),
 * lower-cased, de-duplicated, one per line, gzipped into `common-passwords-data.ts`.
 * That list is MIT licensed, (c) 2012-2016 Dan Wheeler and Dropbox, Inc. and (c) 2021
 * @zxcvbn-ts; its notice is in `common-passwords.LICENSE.txt` beside this file.
 */
import { gunzipSync } from "node:zlib";
import { COMMON_PASSWORDS_GZIP_BASE64 } from "./common-passwords-data.ts";

let cached: ReadonlySet<string> | undefined;

/**
 * The bundled list of common passwords (lower case), unzipped on the first call and cached
 * afterwards.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (cached === undefined) {
    const text = gunzipSync(Buffer.from(COMMON_PASSWORDS_GZIP_BASE64, "base64")).toString("utf8");
    cached = new Set(text.split("\n").filter((line) => line.length > 0));
  }
  return cached;
}

/**
 * Whether a password is on a common-password list, the bundled one unless `list` is given. The
 * password is lower-cased and trimmed first, so `" Password "` counts as `"password"`.
 */
export function isCommonPassword(
  password: string,
  list: ReadonlySet<string> = loadCommonPasswords(),
): boolean {
  return list.has(password.toLowerCase().trim());
}
