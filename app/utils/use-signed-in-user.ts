import { useRouteLoaderData } from "react-router";
import type { loader } from "../root.tsx";

/** The signed-in user as the root loader found them (null: a visitor, or an error page without it). */
export function useSignedInUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}
