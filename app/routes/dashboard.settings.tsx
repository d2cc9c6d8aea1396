import { useLocation } from "react-router";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { EmailCard } from "#app/components/settings/email-card.tsx";
import { PasswordCard } from "#app/components/settings/password-card.tsx";
import { SessionsList } from "#app/components/settings/sessions-list.tsx";
import type { Route } from "./+types/dashboard.settings";
export {
  loadSettingsPage as loader,
  settingsPageAction as action,
} from "./dashboard.settings.server.ts";

// The signed-in person's own account (ADR 044): password, email, sessions. The
// loader and action are in dashboard.settings.server.ts.

export const meta: Route.MetaFunction = () => [{ title: "Settings · LLM Gateway" }];

export default function Settings(props: Route.ComponentProps) {
  // A new page (after any action's redirect) starts the forms afresh: no error of a
  // form sent before stays under a field.
  return <SettingsPage key={useLocation().key} {...props} />;
}

function SettingsPage({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="text-sm text-muted-foreground">Signed in as {loaderData.email}.</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <PasswordCard
          lastResult={actionData?.intent === "password" ? actionData.result : undefined}
        />
        <EmailCard
          email={loaderData.email}
          lastResult={actionData?.intent === "email" ? actionData.result : undefined}
        />
      </div>
      <SessionsList sessions={loaderData.sessions} />
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
