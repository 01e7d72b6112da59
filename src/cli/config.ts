import { statSync } from "node:fs";
import { extname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { GuestUserError, type GuestUsersOptions } from "../index.ts";

/** The files `guest-user` looks for in the working directory when `--config` is not given. */
export const CONFIG_FILES = [
  "guest-user.config.ts",
  "guest-user.config.js",
  "guest-user.config.mjs",
] as const;

/** Extensions loaded through jiti (TypeScript); everything else uses native `import()`. */
const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);

/** A config file that cannot be found, loaded or understood. Reported as INVALID_CONFIG. */
export class ConfigFileError extends GuestUserError {
  constructor(file: string, message: string, options?: ErrorOptions) {
    super("INVALID_CONFIG", `config file ${file}: ${message}`, options);
  }
}

/** The part of jiti's API we use (jiti is an optional peer dependency). */
interface JitiModule {
  createJiti(
    id: string,
    options?: Record<string, unknown>,
  ): { import(id: string): Promise<unknown> };
}

/** How modules are loaded: injectable so that tests can simulate a missing jiti. */
export interface ConfigLoaders {
  /** Native `import()` of a `file:` URL. */
  readonly importNative?: (url: string) => Promise<unknown>;
  /** Imports the `jiti` package. */
  readonly importJiti?: () => Promise<JitiModule>;
}

/** A loaded config: the file it came from (`null`: none) and its options. */
export interface LoadedConfig {
  readonly file: string | null;
  /** The file as shown to the user: relative to the working directory when inside it. */
  readonly display: string | null;
  readonly options: GuestUsersOptions;
}

function display(cwd: string, file: string): string {
  const path = relative(cwd, file);
  return path === "" || path.startsWith("..") || isAbsolute(path) ? file : `./${path}`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** An error's message on one line, at most 300 characters (jiti puts the location on line 2). */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const name = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
  const line = `${name}${text}`.replace(/\s*\n\s*/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/** The loader of `file`; resolving it fails with DRIVER_MISSING when jiti is needed but absent. */
async function loaderFor(
  file: string,
  shown: string,
  loaders: ConfigLoaders,
): Promise<(file: string) => Promise<unknown>> {
  if (!TYPESCRIPT.has(extname(file).toLowerCase())) {
    const load = loaders.importNative ?? ((url: string) => import(url));
    return (path) => load(pathToFileURL(path).href);
  }
  const importJiti = loaders.importJiti ?? (() => import("jiti") as Promise<JitiModule>);
  const jiti = await importJiti().catch((cause: unknown) => {
    if (!isModuleNotFound(cause)) {
      throw new ConfigFileError(shown, `jiti failed: ${oneLine(cause)}`, { cause });
    }
    throw new GuestUserError(
      "DRIVER_MISSING",
      `Loading the TypeScript config ${shown} needs the jiti package: run \`npm i -D jiti\` (or write the config as guest-user.config.mjs).`,
      { cause },
    );
  });
  const instance = jiti.createJiti(import.meta.url);
  return (path) => instance.import(path);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function isOptions(value: unknown): value is GuestUsersOptions {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The default export, looking through a CommonJS `exports.default` compiled by TypeScript. */
function defaultExport(namespace: unknown): unknown {
  if (!isOptions(namespace) || !("default" in namespace)) return undefined;
  const value = (namespace as { default: unknown }).default;
  if (isOptions(value) && "__esModule" in value && "default" in value) {
    return (value as { default: unknown }).default;
  }
  return value;
}

async function optionsOf(namespace: unknown, shown: string): Promise<GuestUsersOptions> {
  let value = defaultExport(namespace);
  if (value === undefined) {
    throw new ConfigFileError(
      shown,
      "has no default export (write `export default { ... }` with the options of createGuestUsers)",
    );
  }
  if (typeof value === "function") {
    try {
      value = await (value as () => unknown)();
    } catch (cause) {
      throw new ConfigFileError(shown, `its default export threw: ${oneLine(cause)}`, { cause });
    }
  }
  if (!isOptions(value)) {
    throw new ConfigFileError(
      shown,
      `the default export must be the options of createGuestUsers (an object) or a function returning them, got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Loads the app's guest-user options: from `path` (`--config`, relative to `cwd`) when given,
 * else from the first of {@link CONFIG_FILES} present in `cwd`, else none (`{}`). `.ts`
 * files load through jiti, others through native `import()`. Throws {@link ConfigFileError}
 * (INVALID_CONFIG) for a missing, broken or malformed file, and a DRIVER_MISSING
 * GuestUserError when a TypeScript config needs jiti and it is not installed. The options
 * themselves are checked later, by `createGuestUsers()`.
 *
 * @example
 * ```ts
 * const { display, options } = await loadConfig({ cwd: process.cwd() });
 * // display: "./guest-user.config.ts", options: { expireBy: "lastSeenAt", ... }
 * ```
 */
export async function loadConfig(
  { path, cwd }: { readonly path?: string; readonly cwd: string },
  loaders: ConfigLoaders = {},
): Promise<LoadedConfig> {
  let file: string | undefined;
  if (path !== undefined) {
    file = resolve(cwd, path);
    if (!isFile(file)) throw new ConfigFileError(display(cwd, file), "no such file");
  } else {
    file = CONFIG_FILES.map((name) => resolve(cwd, name)).find(isFile);
    if (file === undefined) return { file: null, display: null, options: {} };
  }
  const shown = display(cwd, file);
  const load = await loaderFor(file, shown, loaders);
  let namespace: unknown;
  try {
    namespace = await load(file);
  } catch (cause) {
    throw new ConfigFileError(shown, `cannot be loaded: ${oneLine(cause)}`, { cause });
  }
  return { file, display: shown, options: await optionsOf(namespace, shown) };
}
