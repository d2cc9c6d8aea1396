import { z } from "zod";

// Rules shared by the server and the forms in the browser (no server-only code here).

export const MIN_PASSWORD_LENGTH = 10;

/** The seed's onramp: +1,000 credits (US$10). */
export const ONRAMP_CREDITS = 1000;

export const SignInFormSchema = z.object({
  email: z.email({ error: "Enter your email address" }).max(254),
  password: z.string({ error: "Enter your password" }).min(1, "Enter your password").max(200),
  redirectTo: z.string().optional(),
});
