import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages that must not be bundled (native/wasm or Node APIs).
  serverExternalPackages: ["@electric-sql/pglite", "@kubernetes/client-node", "postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
