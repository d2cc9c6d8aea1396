/// <reference types="vitest/config" />
import { reactRouter } from "@react-router/dev/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

export default defineConfig({
  // The React Router plugin expects to own the build; tests import modules directly.
  plugins: process.env.VITEST ? [] : [tailwindcss(), reactRouter()],
  test: {
    include: ["app/**/*.test.ts", "tests/**/*.test.ts"],
    globalSetup: ["tests/setup/global-postgres.ts"],
    // After-hooks run in reverse order, so a file closes its own clients before
    // setupTestDatabase's hook drops the database.
    sequence: { hooks: "stack" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
