import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { SignInFormSchema } from "./account-rules.ts";
import type { Accounts } from "./accounts.server.ts";
import { isThrottled, recordLoginFailure } from "./login-throttle.server.ts";
import { verifyLogin } from "./sign-up.server.ts";

/** Why a sign-in did not succeed, as a conform submission result for the form. */
export class SignInFailure extends Error {
  readonly reply: SubmissionResult<string[]>;
  readonly status: number;
  constructor(reply: SignInFailure["reply"], status: number) {
    super("sign-in failed");
    this.reply = reply;
    this.status = status;
  }
}

/** remix-auth with the form strategy: resolves with the user's id or throws SignInFailure. */
export function createAuthenticator(accounts: Accounts, clientIp: (request: Request) => string) {
  const authenticator = new Authenticator<string>();
  authenticator.use(
    new FormStrategy(async ({ form, request }) => {
      const submission = parseWithZod(form, { schema: SignInFormSchema });
      if (submission.status !== "success")
        throw new SignInFailure(submission.reply({ hideFields: ["password"] }), 400);
      const { email, password } = submission.value;
      const ip = clientIp(request);
      if (await isThrottled(accounts.prisma, email, ip)) {
        throw new SignInFailure(
          submission.reply({
            formErrors: ["Too many failed sign-ins. Try again in 15 minutes."],
            hideFields: ["password"],
          }),
          429,
        );
      }
      const userId = await verifyLogin(accounts, { email, password });
      if (!userId) {
        await recordLoginFailure(accounts.prisma, email, ip);
        throw new SignInFailure(
          submission.reply({ formErrors: ["Wrong email or password."], hideFields: ["password"] }),
          400,
        );
      }
      return userId;
    }),
    "form",
  );
  return authenticator;
}
