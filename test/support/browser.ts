/**
 * The headless Chromium of the browser tests (`/usr/bin/chromium`, `apt-get install -y
 * chromium`): without it their suites are skipped outside CI and fail in CI.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
/** Skipped without Chromium outside CI; in CI a missing browser fails the suite. */
export const skipBrowserTests = !hasChromium && !process.env.CI;

/** Says on the console that the browser test `name` is skipped (call when `skipBrowserTests`). */
export function warnBrowserTestSkipped(name: string): void {
  console.warn(
    `${name} browser test skipped: ${CHROMIUM} not found. Install it with: apt-get install -y chromium`,
  );
}

/** Throws (in CI) when Chromium is missing; call first in `beforeAll`. */
export function requireChromium(): void {
  if (!hasChromium) {
    throw new Error(
      `${CHROMIUM} not found, and CI needs the browser tests: install it with apt-get install -y chromium`,
    );
  }
}

/** Headless Chromium, as every browser test of this repository starts it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}
