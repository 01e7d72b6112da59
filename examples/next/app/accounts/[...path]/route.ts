import { accountRoutes } from "../../../lib/guest-user";

// The library's views: /accounts/login/, /accounts/signup/, /accounts/profile/, ...
export const { GET, POST } = accountRoutes;
