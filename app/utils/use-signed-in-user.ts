import { useRootData } from "./root-data.ts";

/** The signed-in user as the root loader found them (null: a visitor, or an error page without it). */
export function useSignedInUser() {
  return useRootData()?.user ?? null;
}
