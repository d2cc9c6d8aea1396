import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { MIN_PASSWORD_LENGTH, ResetPasswordSchema } from "#app/accounts/account-rules.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { resetPassword, resetTokenIsLive } from "#app/accounts/password-reset.server.ts";
import { AuthCard } from "#app/components/auth-card.tsx";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { requireSameOrigin } from "#app/http/same-origin.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/reset-password.$token";

const DEAD_LINK = "This link has expired or was used already. Ask for a new one.";

export async function loader({ params }: Route.LoaderArgs) {
  return { live: await resetTokenIsLive(getAccounts().prisma, params.token) };
}

export async function action({ request, params }: Route.ActionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readForm(request), { schema: ResetPasswordSchema });
  if (submission.status !== "success")
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  const { prisma } = getAccounts();
  const userId = await resetPassword(prisma, request, params.token, submission.value.password);
  if (!userId)
    return data(
      { result: submission.reply({ formErrors: [DEAD_LINK], hideFields: ["password"] }) },
      { status: 410 },
    );
  return redirectWithToast(
    "/login",
    "Password changed, and every session signed out. Sign in with the new password.",
  );
}

// The token is in the address: no other site may learn it from a Referer, no cache keep the page.
export const headers: Route.HeadersFunction = () => ({
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
});

export const meta: Route.MetaFunction = () => [{ title: "Choose a new password · LLM Gateway" }];

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "reset-password",
    lastResult: actionData?.result,
    constraint: getZodConstraint(ResetPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
    // Errors stay until their field is edited: a blur elsewhere (a click on another
    // button) must not take them away and move what is under the pointer.
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const again = (
    <Link
      to="/forgot-password"
      className="font-medium text-foreground underline underline-offset-4"
    >
      Ask for a new link
    </Link>
  );
  if (!loaderData.live) {
    return (
      <AuthCard title="Choose a new password" description={again}>
        <p role="alert" className="text-sm">
          {DEAD_LINK}
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Choose a new password"
      description="Every browser signed in to this account is signed out."
    >
      <Form method="post" className="grid gap-4" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <FormField
          label={`New password (at least ${MIN_PASSWORD_LENGTH} characters)`}
          errors={fields.password.errors}
          inputProps={{
            ...getInputProps(fields.password, { type: "password" }),
            autoComplete: "new-password",
          }}
        />
        <Button type="submit">Set new password</Button>
      </Form>
    </AuthCard>
  );
}
