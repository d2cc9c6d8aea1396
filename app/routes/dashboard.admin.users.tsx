import { Form } from "react-router";
import { USERS_SHOWN } from "#app/admin/user-fields.ts";
import { ResetLinkNotice } from "#app/components/admin/reset-link-notice.tsx";
import { UserGrantForm } from "#app/components/admin/user-grant-form.tsx";
import { UserList } from "#app/components/admin/user-list.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import type { Route } from "./+types/dashboard.admin.users";

// People on this gateway, for its admins (ADR 044): find them, see their
// balance, disable or enable them, give or take the admin role, grant credits.
// The loader's and action's logic: dashboard.admin.users.server.ts.

export { usersPage as loader, usersAction as action } from "./dashboard.admin.users.server.ts";

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
        <ResetLinkNotice resetLink={actionData.resetLink} />
      ) : null}
      {grantee ? (
        <UserGrantForm
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
        <UserList
          users={loaderData.users}
          search={loaderData.search}
          adminId={loaderData.adminId}
        />
      )}
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
