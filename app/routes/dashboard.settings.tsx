import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, useLocation } from "react-router";
import { z } from "zod";
import {
  ChangeEmailSchema,
  ChangePasswordSchema,
  MIN_PASSWORD_LENGTH,
} from "#app/accounts/account-rules.ts";
import { changeEmail, changePassword } from "#app/accounts/account-settings.server.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import {
  listSessions,
  revokeOtherSessions,
  revokeSession,
} from "#app/accounts/user-sessions.server.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/dashboard.settings";

// The signed-in person's own account (ADR 044): password, email, sessions.

const RevokeSchema = z.object({ intent: z.literal("revoke"), sessionId: z.uuid() });

export async function loader({ request }: Route.LoaderArgs) {
  const { userId, sessionId } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const [user, sessions] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } }),
    listSessions(prisma, userId),
  ]);
  return {
    email: user.email ?? "",
    sessions: sessions.map((session) => ({
      id: session.id,
      device: describeUserAgent(session.userAgent),
      userAgent: session.userAgent ?? "",
      ip: session.ip ?? "unknown",
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      current: session.id === sessionId,
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const { userId, sessionId } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "password") {
    const submission = parseWithZod(form, { schema: ChangePasswordSchema });
    const hide = { hideFields: ["currentPassword", "newPassword"] };
    if (submission.status !== "success")
      return data({ intent, result: submission.reply(hide) }, { status: 400 });
    const changed = await changePassword(prisma, { id: userId, sessionId }, submission.value);
    if (changed === "wrong-password")
      return data(
        {
          intent,
          result: submission.reply({
            ...hide,
            fieldErrors: { currentPassword: ["This is not your current password"] },
          }),
        },
        { status: 400 },
      );
    await audit(prisma, request, { action: "password_changed", actorId: userId, subject: userId });
    return redirectWithToast(
      "/dashboard/settings",
      changed.signedOut > 0
        ? `Password changed. Signed out ${plural(changed.signedOut, "other session")}.`
        : "Password changed.",
    );
  }
  if (intent === "email") {
    const submission = parseWithZod(form, { schema: ChangeEmailSchema });
    const hide = { hideFields: ["password"] };
    if (submission.status !== "success")
      return data({ intent, result: submission.reply(hide) }, { status: 400 });
    const changed = await changeEmail(prisma, userId, submission.value);
    if (typeof changed === "string")
      return data(
        {
          intent,
          result: submission.reply({
            ...hide,
            fieldErrors:
              changed === "taken"
                ? { email: ["Another account has this email"] }
                : { password: ["This is not your password"] },
          }),
        },
        { status: changed === "taken" ? 409 : 400 },
      );
    await audit(prisma, request, {
      action: "email_changed",
      actorId: userId,
      subject: userId,
      details: { from: changed.from, to: changed.to },
    });
    return redirectWithToast("/dashboard/settings", `You now sign in as ${changed.to}.`);
  }
  if (intent === "revoke") {
    const parsed = RevokeSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw data("Name a session to sign out", { status: 400 });
    if (!(await revokeSession(prisma, userId, parsed.data.sessionId)))
      throw data("No such session: it may have been signed out already", { status: 404 });
    await audit(prisma, request, { action: "session_revoked", actorId: userId, subject: userId });
    if (parsed.data.sessionId === sessionId) return redirectWithToast("/login", "Signed out.");
    return redirectWithToast("/dashboard/settings", "That session is signed out.");
  }
  if (intent === "revoke-others") {
    const count = await revokeOtherSessions(prisma, userId, sessionId);
    await audit(prisma, request, {
      action: "session_revoked",
      actorId: userId,
      subject: userId,
      details: { others: count },
    });
    return redirectWithToast(
      "/dashboard/settings",
      `Signed out ${plural(count, "other session")}.`,
    );
  }
  throw data("Unknown action", { status: 400 });
}

export const meta: Route.MetaFunction = () => [{ title: "Settings · LLM Gateway" }];

export default function Settings(props: Route.ComponentProps) {
  // A new page (after any action's redirect) starts the forms afresh: no error of a
  // form sent before stays under a field.
  return <SettingsPage key={useLocation().key} {...props} />;
}

function SettingsPage({ loaderData, actionData }: Route.ComponentProps) {
  const [passwordForm, passwordFields] = useForm({
    id: "change-password",
    lastResult: actionData?.intent === "password" ? actionData.result : undefined,
    constraint: getZodConstraint(ChangePasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    // Errors stay until their field is edited: a blur elsewhere (a click on another
    // button) must not take them away and move what is under the pointer.
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const [emailForm, emailFields] = useForm({
    id: "change-email",
    lastResult: actionData?.intent === "email" ? actionData.result : undefined,
    constraint: getZodConstraint(ChangeEmailSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangeEmailSchema }),
    // Errors stay until their field is edited: a blur elsewhere (a click on another
    // button) must not take them away and move what is under the pointer.
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { email: loaderData.email },
  });
  const others = loaderData.sessions.filter((session) => !session.current).length;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="text-sm text-muted-foreground">Signed in as {loaderData.email}.</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Change password</CardTitle>
            <CardDescription>Your other sessions are signed out.</CardDescription>
          </CardHeader>
          <CardContent>
            <Form method="post" className="grid gap-4" {...getFormProps(passwordForm)}>
              <input type="hidden" name="intent" value="password" />
              <FormErrors errors={passwordForm.errors} />
              <FormField
                label="Current password"
                errors={passwordFields.currentPassword.errors}
                inputProps={{
                  ...getInputProps(passwordFields.currentPassword, { type: "password" }),
                  autoComplete: "current-password",
                }}
              />
              <FormField
                label={`New password (at least ${MIN_PASSWORD_LENGTH} characters)`}
                errors={passwordFields.newPassword.errors}
                inputProps={{
                  ...getInputProps(passwordFields.newPassword, { type: "password" }),
                  autoComplete: "new-password",
                }}
              />
              <Button type="submit" className="justify-self-start">
                Change password
              </Button>
            </Form>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Change email</CardTitle>
            <CardDescription>The address you sign in with and get mail at.</CardDescription>
          </CardHeader>
          <CardContent>
            <Form method="post" className="grid gap-4" {...getFormProps(emailForm)}>
              <input type="hidden" name="intent" value="email" />
              <FormErrors errors={emailForm.errors} />
              <FormField
                label="New email"
                errors={emailFields.email.errors}
                inputProps={{
                  ...getInputProps(emailFields.email, { type: "email" }),
                  autoComplete: "email",
                }}
              />
              <FormField
                label="Password"
                errors={emailFields.password.errors}
                inputProps={{
                  ...getInputProps(emailFields.password, { type: "password" }),
                  autoComplete: "current-password",
                }}
              />
              <Button type="submit" className="justify-self-start">
                Change email
              </Button>
            </Form>
          </CardContent>
        </Card>
      </div>
      <section aria-labelledby="sessions" className="grid gap-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="sessions" className="text-lg font-semibold tracking-tight">
              Sessions
            </h2>
            <p className="text-sm text-muted-foreground">
              Every browser signed in to your account. Sign out the ones you do not recognise.
            </p>
          </div>
          {others > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="revoke-others" />
              <Button type="submit" variant="outline">
                Sign out everywhere else
              </Button>
            </Form>
          ) : null}
        </div>
        <ul aria-label="Sessions" className="grid gap-2">
          {loaderData.sessions.map((session) => (
            <li
              key={session.id}
              className="flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3"
            >
              <div className="grid min-w-0 gap-0.5 text-sm">
                <p className="font-medium">
                  {session.device}{" "}
                  {session.current ? <Badge variant="secondary">This session</Badge> : null}
                </p>
                <p className="text-xs break-words text-muted-foreground" title={session.userAgent}>
                  {session.ip} · signed in {new Date(session.createdAt).toLocaleString("en")} · last
                  seen {new Date(session.lastSeenAt).toLocaleString("en")}
                </p>
              </div>
              <Form method="post">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="sessionId" value={session.id} />
                <Button
                  type="submit"
                  size="sm"
                  variant="outline"
                  aria-label={`Sign out ${session.current ? "this session" : `${session.device} (${session.ip})`}`}
                >
                  Sign out
                </Button>
              </Form>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** "Chrome on Linux" from a user agent: enough to tell one's own browsers apart. */
function describeUserAgent(userAgent: string | null) {
  if (!userAgent) return "Unknown device";
  const browser =
    [
      ["Edg/", "Edge"],
      ["Firefox/", "Firefox"],
      ["Chrome/", "Chrome"],
      ["Safari/", "Safari"],
      ["curl/", "curl"],
    ].find(([marker]) => userAgent.includes(marker!))?.[1] ?? "Browser";
  const system =
    [
      ["Android", "Android"],
      ["iPhone", "iOS"],
      ["iPad", "iPadOS"],
      ["Windows", "Windows"],
      ["Mac OS X", "macOS"],
      ["Linux", "Linux"],
    ].find(([marker]) => userAgent.includes(marker!))?.[1] ?? "";
  return system ? `${browser} on ${system}` : browser;
}
