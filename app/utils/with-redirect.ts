/** A sign-in or sign-up link that keeps where the user was going (an invitation link, say). */
export const withRedirect = (path: string, redirectTo: string | null) =>
  redirectTo ? `${path}?${new URLSearchParams({ redirectTo })}` : path;
