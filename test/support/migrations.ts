/** Every migration of ours, in the order they apply (unmigrate undoes them in reverse). */
export const MIGRATIONS = [
  "001-initial",
  "002-username-case",
  "003-guest-creation-key",
  "004-operations",
  "005-admin-indexes",
  "006-leases",
  "007-one-username-index",
  "008-set-based-cascade",
  "009-staff",
  "010-username-fold",
  "011-continue-links",
  "012-quota-funnel",
];
