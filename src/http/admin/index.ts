/**
 * The guest admin: the guest list, the conversion funnel, and deleting guests, as routes for
 * any adapter.
 *
 * @example
 * ```ts
 * import { adminViews } from "guest-user/admin";
 * const routes = adminViews(http); // for staff: `guest-user staff grant <username>`
 * ```
 * @module
 */

export type { AdminViewsOptions } from "./admin-kit.ts";
export { adminViews } from "./admin-views.ts";
export { funnelChart } from "./chart.ts";
export {
  type AdminPaths,
  type AdminTemplates,
  type ConfirmDeleteContext,
  defaultAdminTemplates,
  type ExpiryRule,
  type FunnelPageContext,
  type GuestListContext,
  resolveAdminTemplates,
} from "./templates.ts";
