import { randomUUID } from "node:crypto";
import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { adminResetLink, RESET_LINK_MINUTES } from "#app/accounts/password-reset.server.ts";
import { CopyButton } from "#app/components/copy-button.tsx";
import { grantCredits } from "#app/accounts/grants.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { changeUser, listUsers, type UserChange } from "#app/admin/users.server.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { creditsToMicro, formatMoney } from "#app/utils/money.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/dashboard.admin.users";

// People on this gateway, for its admins (ADR 044): find them, see their
// balance, disable or enable them, give or take the admin role, grant credits.

const ChangeSchema = z.object({
  intent: z.enum(["disable", "enable", "make-admin", "remove-admin"]),
  userId: z.uuid(),
});

// Credits granted go through the ledger's grant (grants.server.ts), as on the admin page.
const GrantSchema = z.object({
  intent: z.literal("grant"),
  userId: z.uuid(),
  token: z.uuid(),
  credits: z.coerce
    .number({ error: "Enter a number of credits" })
    .int("Enter whole credits")
    .min(1, "At least 1 credit")
    .max(10_000_000, "At most 10,000,000 credits"),
  note: z
    .string({ error: "Say why (shown in the user's history and the audit log)" })
    .trim()
    .min(1, "Say why (shown in the user's history and the audit log)")
    .max(500, "Use at most 500 characters"),
});

/** Users one page lists; a search finds the others. */
const USERS_SHOWN = 50;

const CHANGES: Record<z.infer<typeof ChangeSchema>["intent"], UserChange> = {
  disable: { disabled: true },
  enable: { disabled: false },
  "make-admin": { role: "ADMIN" },
  "remove-admin": { role: "USER" },
};

export async function loader({ request }: Route.LoaderArgs) {
  const adminId = await requireAdminId(request);
  const url = new URL(request.url);
  const search = (url.searchParams.get("q") ?? "").trim().slice(0, 254);
  const { prisma } = getAccounts();
  const users = await listUsers(prisma, search, USERS_SHOWN);
  const grantTo = url.searchParams.get("grant");
  const grantee = grantTo
    ? await prisma.user.findFirst({
        where: { id: z.uuid().safeParse(grantTo).success ? grantTo : undefined, kind: "PERSON" },
        select: { id: true, email: true },
      })
    : null;
  return {
    adminId,
    search,
    // A fresh token per page view: a double submit grants once.
    grantToken: randomUUID(),
    grantee: grantee && grantTo ? { id: grantee.id, email: grantee.email ?? "" } : null,
    users: users.map((user) => ({
      id: user.id,
      email: user.email ?? "",
      admin: user.role === "ADMIN",
      disabled: user.disabledAt !== null,
      balance: formatMoney(user.balance),
      keys: user._count.apiKeys,
      since: user.createdAt.toISOString().slice(0, 10),
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const adminId = await requireAdminId(request);
  const { prisma } = getAccounts();
  const form = await readForm(request);
  if (form.get("intent") === "grant") {
    const submission = parseWithZod(form, { schema: GrantSchema });
    if (submission.status !== "success")
      return data({ grant: submission.reply(), message: null }, { status: 400 });
    const { userId, credits, note, token } = submission.value;
    const user = await prisma.user.findFirst({
      where: { id: userId, kind: "PERSON" },
      select: { email: true },
    });
    if (!user?.email) throw data("No such user", { status: 404 });
    const granted = await grantCredits(prisma, {
      adminId,
      email: user.email,
      credits,
      note,
      token,
    });
    if (!granted) throw data("No such user", { status: 404 });
    if (!granted.replayed)
      await audit(prisma, request, {
        action: "credits_granted",
        actorId: adminId,
        subject: userId,
        details: { micro: granted.amount.toString(), note },
      });
    return redirectWithToast(
      "/dashboard/admin/users",
      granted.replayed
        ? "Already granted: this form was submitted before."
        : `Granted ${formatMoney(creditsToMicro(credits))} to ${user.email}.`,
    );
  }
  if (form.get("intent") === "reset-link") {
    const userId = z.uuid().safeParse(form.get("userId"));
    if (!userId.success) throw data("Name a user", { status: 400 });
    const made = await adminResetLink(prisma, request, { adminId, userId: userId.data });
    if (!made) throw data("No such user who can sign in", { status: 404 });
    // Shown once, to be passed on: like a new key's secret, never stored in the clear.
    return { grant: null, message: null, resetLink: { ...made, minutes: RESET_LINK_MINUTES } };
  }
  const parsed = ChangeSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw data("Name a user and what to change", { status: 400 });
  const { intent, userId } = parsed.data;
  const change = CHANGES[intent];
  const result = await changeUser(prisma, adminId, userId, change);
  if (!result.ok) return data({ grant: null, message: result.message }, { status: result.status });
  await audit(prisma, request, {
    action: "role" in change ? "role_changed" : change.disabled ? "user_disabled" : "user_enabled",
    actorId: adminId,
    subject: userId,
    details: "role" in change ? { role: change.role } : undefined,
  });
  const done = {
    disable: `${result.email} is disabled: signed out, and their API keys are refused.`,
    enable: `${result.email} can sign in again.`,
    "make-admin": `${result.email} is an admin now.`,
    "remove-admin": `${result.email} is no longer an admin.`,
  }[intent];
  const back = new URL(request.url).search;
  return redirectWithToast(`/dashboard/admin/users${back}`, done);
}

export const meta: Route.MetaFunction = () => [{ title: "Admin: users · LLM Gateway" }];

export default function AdminUsers({ loaderData, actionData }: Route.ComponentProps) {
  const { grantee } = loaderData;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-muted-foreground">
          A disabled user cannot sign in, and their API keys are refused at once.
        </p>
      </div>
      {actionData?.message ? (
        <p
          role="alert"
          className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {actionData.message}
        </p>
      ) : null}
      {actionData && "resetLink" in actionData && actionData.resetLink ? (
        <div role="status" className="grid gap-2 rounded-md border border-primary p-3 text-sm">
          <p>
            A password reset link for {actionData.resetLink.email}: pass it on, it works once, for{" "}
            {actionData.resetLink.minutes} minutes, and is not shown again.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <code
              data-testid="reset-link"
              className="rounded-md bg-secondary px-3 py-2 font-mono break-all"
            >
              {actionData.resetLink.link}
            </code>
            <CopyButton text={actionData.resetLink.link} label="Copy link" />
          </div>
        </div>
      ) : null}
      {grantee ? (
        <GrantForm
          key={grantee.id}
          grantee={grantee}
          token={loaderData.grantToken}
          lastResult={actionData?.grant ?? undefined}
        />
      ) : null}
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
        <label className="grid gap-1 text-sm">
          Search by email
          <Input
            name="q"
            type="search"
            defaultValue={loaderData.search}
            maxLength={254}
            className="w-64"
          />
        </label>
        <Button type="submit" variant="outline">
          Search
        </Button>
      </Form>
      {loaderData.users.length === USERS_SHOWN ? (
        <p className="text-sm text-muted-foreground">
          The newest {USERS_SHOWN} are shown: search to find others.
        </p>
      ) : null}
      {loaderData.users.length === 0 ? (
        <p className="text-sm text-muted-foreground">No user’s email contains that.</p>
      ) : (
        <ul aria-label="Users" className="grid gap-2">
          {loaderData.users.map((user) => (
            <li
              key={user.id}
              className="flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3"
            >
              <div className="grid min-w-0 gap-1 text-sm">
                <p className="flex flex-wrap items-center gap-2 font-medium">
                  <span className="break-all">{user.email}</span>
                  {user.admin ? <Badge>Admin</Badge> : null}
                  {user.disabled ? <Badge variant="outline">Disabled</Badge> : null}
                </p>
                <p className="text-muted-foreground">
                  <span aria-label={`Balance of ${user.email}`}>{user.balance}</span> · {user.keys}{" "}
                  {user.keys === 1 ? "key" : "keys"} · since {user.since}
                </p>
              </div>
              <div className="flex flex-wrap gap-2">
                <Button asChild size="sm" variant="outline">
                  <Link
                    to={`?${new URLSearchParams({ q: loaderData.search, grant: user.id })}`}
                    aria-label={`Grant credits to ${user.email}`}
                  >
                    Grant credits
                  </Link>
                </Button>
                <ChangeButton
                  userId={user.id}
                  intent={user.admin ? "remove-admin" : "make-admin"}
                  label={user.admin ? "Remove admin" : "Make admin"}
                  email={user.email}
                />
                {user.disabled || user.id === loaderData.adminId ? null : (
                  <ChangeButton
                    userId={user.id}
                    intent="reset-link"
                    label="Reset link"
                    email={user.email}
                  />
                )}
                {user.id === loaderData.adminId ? null : (
                  <ChangeButton
                    userId={user.id}
                    intent={user.disabled ? "enable" : "disable"}
                    label={user.disabled ? "Enable" : "Disable"}
                    email={user.email}
                  />
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChangeButton(props: { userId: string; intent: string; label: string; email: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="userId" value={props.userId} />
      <Button
        type="submit"
        size="sm"
        variant="outline"
        aria-label={`${props.label}: ${props.email}`}
      >
        {props.label}
      </Button>
    </Form>
  );
}

function GrantForm({
  grantee,
  token,
  lastResult,
}: {
  grantee: { id: string; email: string };
  token: string;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({
    id: "grant-credits",
    lastResult,
    constraint: getZodConstraint(GrantSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: GrantSchema }),
    // Errors stay until their field is edited: a blur elsewhere (a click on another
    // button) must not take them away and move what is under the pointer.
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section aria-labelledby="grant" className="grid gap-3 rounded-lg border p-4">
      <h2 id="grant" className="text-lg font-semibold tracking-tight">
        Grant credits to {grantee.email}
      </h2>
      <Form
        method="post"
        className="grid items-start gap-4 sm:grid-cols-[10rem_1fr_auto]"
        {...getFormProps(form)}
      >
        <input type="hidden" name="intent" value="grant" />
        <input type="hidden" name="userId" value={grantee.id} />
        <input type="hidden" name="token" value={token} />
        <div className="sm:col-span-3">
          <FormErrors errors={form.errors} />
        </div>
        <FormField
          label="Credits"
          errors={fields.credits.errors}
          inputProps={getInputProps(fields.credits, { type: "number" })}
        />
        <FormField
          label="Why (shown in their history)"
          errors={fields.note.errors}
          inputProps={getInputProps(fields.note, { type: "text" })}
        />
        <Button type="submit" className="sm:mt-[1.625rem]">
          Grant
        </Button>
      </Form>
    </section>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
