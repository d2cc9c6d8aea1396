import { createCookie } from "react-router";

// The colour theme a visitor picked: light or dark, or the system's (no cookie).
// A form posts to /theme, so the toggle works without JavaScript.

import type { Theme } from "./theme.ts";

const themeCookie = createCookie("gw_theme", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  maxAge: 60 * 60 * 24 * 365,
});

export async function themeOf(request: Request): Promise<Theme> {
  const value: unknown = await themeCookie.parse(request.headers.get("cookie"));
  return value === "dark" || value === "light" ? value : "system";
}

/** The Set-Cookie header that makes `theme` the visitor's. */
export function setTheme(theme: Theme) {
  return themeCookie.serialize(theme === "system" ? "" : theme, {
    maxAge: theme === "system" ? 0 : 60 * 60 * 24 * 365,
  });
}
