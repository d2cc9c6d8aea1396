import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** False in the server's HTML (and a page without JavaScript), true once the page runs. */
export const useHydrated = () =>
  useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
