import { sameSitePath } from "./safe-redirect.ts";

/**
 * A sign-in or sign-up link that keeps where the user was going (an invitation
 * link, say): only a path of this site is passed on.
 */
export function withRedirect(path: string, redirectTo: string | null) {
  const target = sameSitePath(redirectTo);
  return target ? `${path}?${new URLSearchParams({ redirectTo: target })}` : path;
}
