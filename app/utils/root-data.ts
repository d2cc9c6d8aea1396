import { useRouteLoaderData } from "react-router";
import type { Theme } from "./theme.ts";

/**
 * What the root loader (app/root.tsx) gives every page. Its shape lives here,
 * below the components and hooks that read it, so that none of them imports
 * the root route (issue #24: imports point down only).
 */
export interface RootData {
  /** A one-shot message after an action, shown once. */
  toast: string | null;
  theme: Theme;
  /** Who is signed in; null for a visitor. */
  user: { email: string } | null;
}

/** The root loader's data; undefined on an error page rendered without it. */
export function useRootData() {
  return useRouteLoaderData<RootData>("root");
}
