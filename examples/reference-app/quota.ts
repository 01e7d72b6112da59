/**
 * The reference app's quota (issue 20): `GUEST_USER_QUOTA=<name>:<guestMax>/<registeredMax>/<windowSeconds>`
 * (e.g. `ai:3/10/3600`) sets the library's `quotas` option and mounts `POST /quota/<name>/`
 * behind the adapter's `quota(name)` guard: each POST spends one unit (making the guest on the
 * first one, as the `allow_guest_user` pages do) and answers `{ quota: { name, limit,
 * remaining, resetAt } }`, or the guard's 429 `QUOTA_EXCEEDED` with `upgradeUrl`.
 */
import type { QuotaOptions, WebHandler } from "guest-user";

/** `GUEST_USER_QUOTA`, checked. */
export interface QuotaConfig {
  readonly name: string;
  readonly guestMax: number;
  readonly registeredMax: number;
  readonly windowSeconds: number;
}

/** Reads `GUEST_USER_QUOTA`; pushes one line onto `problems` when it is malformed. */
export function readQuota(
  value: (name: string) => string | undefined,
  problems: string[],
): QuotaConfig | undefined {
  const raw = value("GUEST_USER_QUOTA");
  if (raw === undefined) return undefined;
  const match = /^([\w.-]{1,64}):(\d{1,9})\/(\d{1,9})\/(\d{1,9})$/.exec(raw);
  const [guestMax, registeredMax, windowSeconds] = [match?.[2], match?.[3], match?.[4]].map(Number);
  if (match?.[1] && guestMax && registeredMax && windowSeconds) {
    return { name: match[1], guestMax, registeredMax, windowSeconds };
  }
  problems.push(
    `GUEST_USER_QUOTA: expected <name>:<guestMax>/<registeredMax>/<windowSeconds> with whole numbers of at least 1 (e.g. ai:3/10/3600); got ${JSON.stringify(raw)}`,
  );
  return undefined;
}

/** The library's `quotas` option for `config` (none when unset). */
export function quotasOption(config: QuotaConfig | undefined): QuotaOptions | undefined {
  if (!config) return undefined;
  const { name, guestMax, registeredMax, windowSeconds } = config;
  return {
    [name]: {
      guest: { max: guestMax, windowSeconds },
      registered: { max: registeredMax, windowSeconds },
    },
  };
}

/** The path of the quota's route. */
export const quotaPath = (config: QuotaConfig) => `/quota/${config.name}/`;

/** `POST /quota/<name>/` after the guard spent one unit: what is left. */
export const quotaHandler: WebHandler = async (_request, { state }) => {
  const spent = state.quota;
  const quota = spent && {
    name: spent.name,
    limit: spent.limit,
    remaining: spent.remaining,
    resetAt: spent.resetAt,
  };
  return Response.json({ quota }, { headers: { "cache-control": "no-store" } });
};
