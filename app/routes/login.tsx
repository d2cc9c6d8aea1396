import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect, useSearchParams } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { SignInFormSchema } from "#app/accounts/account-rules.ts";
import { createAuthenticator, SignInFailure } from "#app/accounts/authenticator.server.ts";
import { requireAnonymous } from "#app/accounts/require-user.server.ts";
import { startSession } from "#app/accounts/session.server.ts";
import { invitationTokenOf, joinOnSignIn } from "#app/accounts/teams/teams-join.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import { AuthCard } from "#app/components/auth-card.tsx";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { safeRedirect, sameSitePath } from "#app/utils/safe-redirect.ts";
import { withRedirect } from "#app/utils/with-redirect.ts";
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
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    constraint: getZodConstraint(SignInFormSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInFormSchema }),
    // An error stays until its value changes: on blur it would vanish, the button would move
    // up under the pointer between press and release, and the click would miss (issue #23).
    shouldRevalidate: "onInput",
  });
  return (
    <AuthCard
      title="Sign in"
      description={
        <>
          No account yet?{" "}
          <Link
            to={withRedirect("/signup", searchParams.get("redirectTo"))}
            className="font-medium text-foreground underline underline-offset-4"
          >
            Create one
          </Link>
        </>
      }
    >
      <Form method="post" className="grid gap-4" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input
          type="hidden"
          name="redirectTo"
          value={sameSitePath(searchParams.get("redirectTo")) ?? ""}
        />
        <FormField
          label="Email"
          errors={fields.email.errors}
          inputProps={{
            ...getInputProps(fields.email, { type: "email" }),
            autoComplete: "email",
          }}
        />
        <FormField
          label="Password"
          errors={fields.password.errors}
          inputProps={{
            ...getInputProps(fields.password, { type: "password" }),
            autoComplete: "current-password",
          }}
        />
        <Link
          to="/forgot-password"
          className="justify-self-start text-sm underline underline-offset-4"
        >
          Forgot password?
        </Link>
        <Button type="submit">Sign in</Button>
      </Form>
    </AuthCard>
  );
}
