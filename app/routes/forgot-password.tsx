import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { ForgotPasswordSchema } from "#app/accounts/account-rules.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { mailDelivery } from "#app/accounts/mailer.server.ts";
import { RESET_LINK_MINUTES, requestPasswordReset } from "#app/accounts/password-reset.server.ts";
import { AuthCard } from "#app/components/auth-card.tsx";
import { EmailField } from "#app/components/credentials-form.tsx";
import { FormErrors } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { requireSameOrigin } from "#app/http/same-origin.server.ts";
import type { Route } from "./+types/forgot-password";

export async function loader() {
  return { delivery: mailDelivery().kind, linkMinutes: RESET_LINK_MINUTES };
}

export async function action({ request }: Route.ActionArgs) {
  requireSameOrigin(request);
  const delivery = mailDelivery();
  const submission = parseWithZod(await readForm(request), { schema: ForgotPasswordSchema });
  if (submission.status !== "success")
    return data({ result: submission.reply(), sent: false }, { status: 400 });
  if (delivery.kind === "unavailable")
    return data({ result: submission.reply(), sent: false }, { status: 503 });
  await requestPasswordReset(getAccounts().prisma, request, submission.value.email, delivery);
  // The same answer for every email: whether an account has it stays unsaid.
  return { result: submission.reply(), sent: true };
}

export const meta: Route.MetaFunction = () => [{ title: "Forgot password · LLM Gateway" }];

export default function ForgotPassword({ loaderData, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "forgot-password",
    lastResult: actionData?.result,
    constraint: getZodConstraint(ForgotPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
    // Errors stay until their field is edited: a blur elsewhere (a click on another
    // button) must not take them away and move what is under the pointer.
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const back = (
    <Link to="/login" className="font-medium text-foreground underline underline-offset-4">
      Back to sign in
    </Link>
  );
  if (loaderData.delivery === "unavailable") {
    return (
      <AuthCard title="Forgot password" description={back}>
        <p role="status" className="text-sm">
          Password reset by email is not configured on this gateway (it has no mail server). Ask an
          administrator for a reset link: they make one on their Users page.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Forgot password" description={back}>
      {actionData?.sent ? (
        <div role="status" className="grid gap-2 text-sm">
          <p>
            If an account has this email, a link to reset its password is on its way. It works for{" "}
            {loaderData.linkMinutes} minutes, once.
          </p>
          {loaderData.delivery === "log" ? (
            <p className="text-muted-foreground">
              This gateway has no mail server (SMTP_URL is not set), so the link was written to its
              log instead: look for “password reset link”.
            </p>
          ) : null}
        </div>
      ) : (
        <Form method="post" className="grid gap-4" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <EmailField field={fields.email} />
          <Button type="submit">Send reset link</Button>
        </Form>
      )}
    </AuthCard>
  );
}
