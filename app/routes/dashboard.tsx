import { Form, Outlet } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { listTeamsOf } from "#app/accounts/teams/teams.server.ts";
import { can } from "#app/accounts/account-scope.server.ts";
import { AccountSwitcher } from "#app/components/account-switcher.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { ThemeToggle } from "#app/components/theme-toggle.tsx";
import { SettingsLink } from "#app/components/settings-link.tsx";
import { NoProviderBanner } from "#app/components/no-provider-banner.tsx";
import { DashboardMenu, NavItem } from "#app/components/dashboard-nav.tsx";
import { noProviderConfigured } from "#app/gateway/services/served-models.server.ts";
import { formatMoneyParts } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard";

export async function loader({ request }: Route.LoaderArgs) {
  const scope = await requirePageScope(request);
  const { prisma } = getAccounts();
  const [user, account, teams] = await Promise.all([
    prisma.user.findUniqueOrThrow({
      where: { id: scope.userId },
      select: { email: true, role: true },
    }),
    prisma.user.findUniqueOrThrow({ where: { id: scope.accountId }, select: { balance: true } }),
    listTeamsOf(prisma, scope.userId),
  ]);
  return {
    email: user.email ?? "",
    role: user.role,
    balance: formatMoneyParts(account.balance),
    // The account switcher: personal, then each team; the one in use.
    account: scope.team ? { id: scope.accountId, name: scope.team.name } : null,
    teams: teams.map((team) => ({ id: team.id, name: team.name })),
    // Nothing can be served yet: the layout's banner says what to set (ADR 042).
    noProvider: await noProviderConfigured(),
    // The pages this role may open in the account in use (the others answer 403).
    may: {
      ownKeys: can(scope, "ownKeys"),
      billing: can(scope, "billing"),
      providerKeys: can(scope, "providerKeys"),
    },
  };
}

const NAV: {
  to: string;
  label: string;
  end?: boolean;
  needs?: "ownKeys" | "billing" | "providerKeys";
}[] = [
  { to: "/dashboard", label: "Overview", end: true },
  { to: "/dashboard/keys", label: "API keys", needs: "ownKeys" },
  { to: "/dashboard/usage", label: "Usage" },
  { to: "/dashboard/playground", label: "Playground" },
  { to: "/dashboard/credits", label: "Credits", needs: "billing" },
  { to: "/dashboard/provider-keys", label: "Provider keys", needs: "providerKeys" },
  { to: "/dashboard/teams", label: "Teams" },
  { to: "/dashboard/models", label: "Models" },
];

const ADMIN_NAV = [
  { to: "/dashboard/admin", label: "Admin", end: true },
  { to: "/dashboard/admin/providers", label: "Providers" },
  { to: "/dashboard/admin/users", label: "Users" },
];

export default function DashboardLayout({ loaderData }: Route.ComponentProps) {
  const items = [
    ...NAV.filter((item) => !item.needs || loaderData.may[item.needs]),
    ...(loaderData.role === "ADMIN" ? ADMIN_NAV : []),
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b">
        <div className="mx-auto flex min-h-14 max-w-6xl items-center justify-between gap-3 px-4 sm:px-6">
          {/* The name makes way for the switcher on phones, and for the row of links at 1280 px. */}
          <div className="flex shrink-0 items-center gap-2">
            <span className="hidden font-semibold tracking-tight whitespace-nowrap sm:inline xl:hidden 2xl:inline">
              LLM Gateway
            </span>
            <AccountSwitcher current={loaderData.account} teams={loaderData.teams} />
          </div>
          {/* Wide screens: the links in a row. */}
          <nav aria-label="Dashboard" className="hidden flex-1 items-center gap-0.5 xl:flex">
            {items.map((item) => (
              <NavItem key={item.to} {...item} />
            ))}
          </nav>
          <div className="flex items-center gap-2 text-sm">
            <span className="hidden max-w-48 truncate text-muted-foreground 2xl:inline-block">
              {loaderData.email}
            </span>
            <span
              className="flex flex-col items-end rounded-md bg-secondary px-2 py-0.5 leading-tight font-medium whitespace-nowrap"
              aria-label="Balance"
            >
              {/* Dollars under the credits: the header has no room for both on one line. */}
              <span>{loaderData.balance.credits}</span>{" "}
              <span className="text-xs">({loaderData.balance.usd})</span>
            </span>
            <ThemeToggle className="hidden xl:block" compact />
            <SettingsLink className="hidden xl:block" />
            <Form method="post" action="/logout" className="hidden xl:block">
              <Button type="submit" variant="ghost" size="sm">
                Sign out
              </Button>
            </Form>
            <DashboardMenu items={items} email={loaderData.email} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
        {loaderData.noProvider && (
          <NoProviderBanner admin={loaderData.role === "ADMIN"} className="mb-6" />
        )}
        <Outlet />
      </main>
    </div>
  );
}
