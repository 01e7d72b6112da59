import type { NextConfig } from "next";

const config: NextConfig = {
  // The library's views live at /convert/, /accounts/login/...: keep the slash.
  trailingSlash: true,
};

export default config;
