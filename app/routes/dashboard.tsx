import { Form, NavLink, Outlet } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageUserId } from "#app/accounts/require-user.server.ts";
import { Button } from "#app/components/ui/button.tsx";
import { cn } from "#app/utils/cn.ts";
import { formatCredits } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard";

export async function loader({ request }: Route.LoaderArgs) {
  const userId = await requirePageUserId(request);
  const user = await getAccounts().prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, role: true, balance: true },
  });
  return { email: user.email, role: user.role, balance: formatCredits(user.balance) };
}

const NAV = [
  { to: "/dashboard", label: "Overview", end: true },
  { to: "/dashboard/keys", label: "API keys" },
  { to: "/dashboard/usage", label: "Usage" },
  { to: "/dashboard/credits", label: "Credits" },
  { to: "/dashboard/provider-keys", label: "Provider keys" },
];

export default function DashboardLayout({ loaderData }: Route.ComponentProps) {
  return (
    <div className="min-h-screen">
      <header className="border-b">
        <div className="mx-auto flex h-14 max-w-5xl items-center justify-between gap-4 px-6">
          <nav aria-label="Dashboard" className="flex items-center gap-1">
            <span className="mr-3 font-semibold tracking-tight">LLM Gateway</span>
            {[
              ...NAV,
              ...(loaderData.role === "ADMIN"
                ? [
                    { to: "/dashboard/admin", label: "Admin", end: true },
                    { to: "/dashboard/admin/providers", label: "Providers", end: false },
                  ]
                : []),
            ].map((item) => (
              <NavLink
                key={item.to}
                to={item.to}
                end={item.end}
                className={({ isActive }) =>
                  cn(
                    "rounded-md px-3 py-1.5 text-sm font-medium hover:bg-accent",
                    isActive ? "bg-accent" : "text-muted-foreground",
                  )
                }
              >
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <span className="hidden text-muted-foreground sm:inline">{loaderData.email}</span>
            <span className="rounded-md bg-secondary px-2 py-1 font-medium" aria-label="Balance">
              {loaderData.balance} credits
            </span>
            <Form method="post" action="/logout">
              <Button type="submit" variant="ghost" size="sm">
                Sign out
              </Button>
            </Form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-6 py-10">
        <Outlet />
      </main>
    </div>
  );
}
