import { redirect } from "react-router";
import { z } from "zod";
import { readForm } from "#app/http/read-form.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { setTheme } from "#app/utils/theme.server.ts";
import { safeRedirect } from "#app/utils/safe-redirect.ts";
import { THEMES } from "#app/utils/theme.ts";
import type { Route } from "./+types/theme";

const ThemeSchema = z.object({
  theme: z.enum(THEMES),
  // Back to the page the form was on: a path of this site only.
  redirectTo: z.unknown().transform((target) => safeRedirect(target, "/")),
});

/** POST /theme {theme, redirectTo}: remembers the choice, back to the page. */
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const parsed = ThemeSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return new Response("theme must be system, dark or light", { status: 400 });
  return redirect(parsed.data.redirectTo, {
    headers: { "Set-Cookie": await setTheme(parsed.data.theme) },
  });
}

export const loader = () => methodNotAllowed("POST");
