import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { SignInFormSchema } from "./account-rules.ts";
import type { Accounts } from "./accounts.server.ts";
import { signIn } from "./sign-in.server.ts";

/** Why a sign-in did not succeed, as a conform submission result for the form. */
export class SignInFailure extends Error {
  readonly reply: SubmissionResult<string[]>;
  readonly status: number;
  readonly headers: HeadersInit;
  constructor(reply: SignInFailure["reply"], status: number, headers: HeadersInit = {}) {
    super("sign-in failed");
    this.reply = reply;
    this.status = status;
    this.headers = headers;
  }
}

export interface SignedIn {
  userId: string;
  /** Set-Cookie for the device cookie (see sign-in.server.ts). */
  deviceCookie: string;
}

/** remix-auth with the form strategy: resolves with the signed-in user or throws SignInFailure. */
export function createAuthenticator(accounts: Accounts) {
  const authenticator = new Authenticator<SignedIn>();
  authenticator.use(
    new FormStrategy(async ({ form, request }) => {
      const submission = parseWithZod(form, { schema: SignInFormSchema });
      if (submission.status !== "success")
        throw new SignInFailure(submission.reply({ hideFields: ["password"] }), 400);
      const result = await signIn(accounts, request, submission.value);
      if (result.ok) return { userId: result.userId, deviceCookie: result.deviceCookie };
      if (result.reason === "throttled") {
        throw new SignInFailure(
          submission.reply({
            formErrors: [`${result.message} Try again in ${waitText(result.retryAfterSeconds)}.`],
            hideFields: ["password"],
          }),
          429,
          { "Retry-After": String(result.retryAfterSeconds) },
        );
      }
      if (result.reason === "disabled")
        throw new SignInFailure(
          submission.reply({ formErrors: [result.message], hideFields: ["password"] }),
          403,
        );
      throw new SignInFailure(
        submission.reply({ formErrors: ["Wrong email or password."], hideFields: ["password"] }),
        400,
      );
    }),
    "form",
  );
  return authenticator;
}

function waitText(seconds: number) {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
