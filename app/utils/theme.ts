// The colour themes a visitor can pick: the system's, dark or light.

export const THEMES = ["system", "dark", "light"] as const;
export type Theme = (typeof THEMES)[number];

/** The theme the toggle moves to next: system → dark → light → system. */
export const nextTheme = (theme: Theme): Theme =>
  THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!;
