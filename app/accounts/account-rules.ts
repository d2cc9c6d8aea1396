import { z } from "zod";

// Rules shared by the server and the forms in the browser (no server-only code here).

export const MIN_PASSWORD_LENGTH = 10;

/** The seed's onramp: +1,000 credits (US$10). */
export const ONRAMP_CREDITS = 1000;

// One definition per field, used by the forms and the JSON API alike.
const EmailField = z
  .email({ error: "Enter a valid email address" })
  .max(254, "Use at most 254 characters");
const CurrentPasswordField = z
  .string({ error: "Enter your password" })
  .min(1, "Enter your password")
  .max(200, "Use at most 200 characters");
const NewPasswordField = z
  .string({ error: "Choose a password" })
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, "Use at most 200 characters");

export const SignInSchema = z.object({ email: EmailField, password: CurrentPasswordField });
export const SignUpSchema = z.object({ email: EmailField, password: NewPasswordField });

/** The sign-in form also carries where to go afterwards. */
export const SignInFormSchema = SignInSchema.extend({ redirectTo: z.string().optional() });

/** The password reset pages (ADR 044). */
export const ForgotPasswordSchema = z.object({ email: EmailField });
export const ResetPasswordSchema = z.object({ password: NewPasswordField });

/** The settings page's forms. */
export const ChangePasswordSchema = z.object({
  intent: z.literal("password"),
  currentPassword: CurrentPasswordField,
  newPassword: NewPasswordField,
});
export const ChangeEmailSchema = z.object({
  intent: z.literal("email"),
  email: EmailField,
  password: CurrentPasswordField,
});
