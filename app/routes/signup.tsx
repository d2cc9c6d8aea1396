import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAnonymous } from "#app/accounts/require-user.server.ts";
import { safeRedirect } from "#app/utils/safe-redirect.ts";
import { startSession } from "#app/accounts/session.server.ts";
import { invitationTokenOf, joinOnSignIn } from "#app/accounts/teams/teams-join.server.ts";
import { MIN_PASSWORD_LENGTH, SignUpSchema } from "#app/accounts/account-rules.ts";
import { EmailTakenError, signUp } from "#app/accounts/sign-up.server.ts";
import { claimSignUp } from "#app/accounts/sign-up-throttle.server.ts";
import { clientFacts } from "#app/http/client-stamp.server.ts";
import { AuthCard } from "#app/components/auth-card.tsx";
import { CredentialsForm, OtherAuthForm } from "#app/components/credentials-form.tsx";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/signup";
import { readForm } from "#app/http/read-form.server.ts";
import { requireSameOrigin } from "#app/http/same-origin.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request }: Route.ActionArgs) {
  requireSameOrigin(request);
  await requireAnonymous(request);
  const accounts = getAccounts();
  const form = await readForm(request);
  const formRedirect = form.get("redirectTo");
  const submission = parseWithZod(form, { schema: SignUpSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const { ip } = clientFacts(request);
  const claim = await claimSignUp(accounts.prisma, ip, accounts.signUpsPerAddressPerHour);
  if (!claim.allowed) {
    return data(
      {
        result: submission.reply({
          formErrors: [`${claim.message} Try again later.`],
          hideFields: ["password"],
        }),
      },
      { status: 429, headers: { "Retry-After": String(claim.retryAfterSeconds) } },
    );
  }
  try {
    const user = await signUp(accounts, submission.value);
    await audit(accounts.prisma, request, { action: "sign_up", actorId: user.id });
    const target = safeRedirect(formRedirect);
    const sessionCookie = await startSession(accounts, request, user.id);
    // From an invitation link: join its team and work in it (ADR 048).
    const token = invitationTokenOf(target);
    const joined =
      token && (await joinOnSignIn(accounts, request, { token, userId: user.id, sessionCookie }));
    if (joined)
      return redirectWithToast("/dashboard", `Welcome! ${joined}`, { "Set-Cookie": sessionCookie });
    const welcome =
      target === "/dashboard" ? "Welcome! Add credits and create a key to start." : "Welcome!";
    return redirectWithToast(target, welcome, { "Set-Cookie": sessionCookie });
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
    return data(
      {
        result: submission.reply({
          fieldErrors: { email: ["An account with this email already exists. Sign in instead?"] },
          hideFields: ["password"],
        }),
      },
      { status: 409 },
    );
  }
}

export const meta: Route.MetaFunction = () => [{ title: "Create an account · LLM Gateway" }];

export default function SignUp({ actionData }: Route.ComponentProps) {
  return (
    <AuthCard
      title="Create an account"
      description={<OtherAuthForm text="Already have one?" to="/login" label="Sign in" />}
    >
      <CredentialsForm
        id="signup"
        schema={SignUpSchema}
        lastResult={actionData?.result}
        passwordLabel={`Password (at least ${MIN_PASSWORD_LENGTH} characters)`}
        passwordAutoComplete="new-password"
        submitLabel="Create account"
      />
    </AuthCard>
  );
}
