/// <reference types="vitest/config" />
import { reactRouter } from "@react-router/dev/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

export default defineConfig({
  // The React Router plugin expects to own the build; tests import modules directly.
  plugins: process.env.VITEST ? [] : [tailwindcss(), reactRouter()],
  // Only for the build: tests import modules (and node_modules) as they are.
  environments: process.env.VITEST
    ? {}
    : {
        // The server build is the whole server: the app, the process's commands and every
        // dependency, in build/server (docs/decisions/031-self-contained-server-build.md).
        // A production image then needs Node and the build, not node_modules.
        ssr: {
          resolve: { noExternal: true },
          // React and the router choose their production code once, at build time.
          define: { "process.env.NODE_ENV": JSON.stringify("production") },
          build: {
            rollupOptions: {
              input: "./app/server/server-bundle.server.ts",
              // Every chunk beside index.js: modules find prisma/migrations from their own
              // directory (import.meta.dirname), as they do from app/<folder>/.
              output: { chunkFileNames: "[name]-[hash].js" },
            },
          },
        },
      },
  test: {
    include: ["app/**/*.test.ts", "app/**/*.test.tsx", "tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-postgres.ts"],
    // After-hooks run in reverse order, so a file closes its own clients before
    // setupTestDatabase's hook drops the database.
    sequence: { hooks: "stack" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
