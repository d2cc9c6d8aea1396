import { data, Link, redirect } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { SignInFormSchema } from "#app/accounts/account-rules.ts";
import { createAuthenticator, SignInFailure } from "#app/accounts/authenticator.server.ts";
import { requireAnonymous } from "#app/accounts/require-user.server.ts";
import { startSession } from "#app/accounts/session.server.ts";
import { invitationTokenOf, joinOnSignIn } from "#app/accounts/teams/teams-join.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import { AuthCard } from "#app/components/auth-card.tsx";
import { CredentialsForm, OtherAuthForm } from "#app/components/credentials-form.tsx";
import { safeRedirect } from "#app/utils/safe-redirect.ts";
import type { Route } from "./+types/login";
import { readForm } from "#app/http/read-form.server.ts";
import { requireSameOrigin } from "#app/http/same-origin.server.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request }: Route.ActionArgs) {
  requireSameOrigin(request);
  await requireAnonymous(request);
  const accounts = getAccounts();
  const form = await readForm(request.clone());
  try {
    const { userId, deviceCookie } = await createAuthenticator(accounts).authenticate(
      "form",
      request,
    );
    const headers = new Headers();
    const sessionCookie = await startSession(accounts, request, userId);
    headers.append("Set-Cookie", sessionCookie);
    headers.append("Set-Cookie", deviceCookie);
    const target = safeRedirect(form.get("redirectTo"));
    // From an invitation link: join its team and work in it (ADR 048).
    const token = invitationTokenOf(target);
    const joined =
      token && (await joinOnSignIn(accounts, request, { token, userId, sessionCookie }));
    if (joined) return redirectWithToast("/dashboard", joined, headers);
    return redirect(target, { headers });
  } catch (error) {
    if (error instanceof SignInFailure)
      return data({ result: error.reply }, { status: error.status, headers: error.headers });
    throw error;
  }
}

export const meta: Route.MetaFunction = () => [{ title: "Sign in · LLM Gateway" }];

export default function Login({ actionData }: Route.ComponentProps) {
  return (
    <AuthCard
      title="Sign in"
      description={<OtherAuthForm text="No account yet?" to="/signup" label="Create one" />}
    >
      <CredentialsForm
        id="login"
        schema={SignInFormSchema}
        lastResult={actionData?.result}
        passwordLabel="Password"
        passwordAutoComplete="current-password"
        submitLabel="Sign in"
        extra={
          <Link
            to="/forgot-password"
            className="justify-self-start text-sm underline underline-offset-4"
          >
            Forgot password?
          </Link>
        }
      />
    </AuthCard>
  );
}
