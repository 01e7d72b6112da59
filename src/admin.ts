/**
 * `guest-user/admin`: the guest admin (the guest list, the conversion funnel, deleting
 * guests) as routes for any adapter, its templates and the funnel chart they draw. Example:
 * {@link adminViews}.
 * @module
 */

export type { AdminViewsOptions } from "./http/admin/admin-kit.ts";
export { adminViews } from "./http/admin/admin-views.ts";
export { funnelChart } from "./http/admin/chart.ts";
export type {
  AdminPaths,
  ConfirmDeleteContext,
  ExpiryRule,
  FunnelPageContext,
  GuestListContext,
} from "./http/admin/template-contexts.ts";
export { type AdminTemplates, defaultAdminTemplates } from "./http/admin/templates.ts";
