import { Form, NavLink, useLocation } from "react-router";
import { Button } from "#app/components/ui/button.tsx";
import { ThemeToggle } from "#app/components/theme-toggle.tsx";
import { cn } from "#app/utils/cn.ts";

export interface NavEntry {
  to: string;
  label: string;
  end?: boolean;
}

/** One link of the dashboard's navigation, marked while its page is open. */
export function NavItem({ to, label, end }: { to: string; label: string; end?: boolean }) {
  return (
    <NavLink
      to={to}
      end={end}
      className={({ isActive }) =>
        cn(
          "rounded-md px-2 py-1.5 text-sm font-medium whitespace-nowrap hover:bg-accent 2xl:px-2.5",
          isActive ? "bg-accent" : "text-muted-foreground",
        )
      }
    >
      {label}
    </NavLink>
  );
}

/** The dashboard's navigation on narrow screens: a menu that opens without JavaScript; a new page closes it. */
export function DashboardMenu({ items, email }: { items: NavEntry[]; email: string }) {
  const { pathname } = useLocation();
  return (
    <details key={pathname} className="relative xl:hidden">
      <summary className="cursor-pointer list-none rounded-md border px-3 py-1.5 font-medium select-none [&::-webkit-details-marker]:hidden">
        Menu
      </summary>
      <div className="absolute right-0 z-10 mt-2 grid w-64 gap-1 rounded-md border bg-background p-2 shadow-md">
        <nav aria-label="Dashboard menu" className="grid gap-1">
          {items.map((item) => (
            <NavItem key={item.to} {...item} />
          ))}
        </nav>
        <ThemeToggle />
        <p className="truncate px-3 pt-2 text-xs text-muted-foreground">{email}</p>
        <NavItem to="/dashboard/settings" label="Settings" />
        <Form method="post" action="/logout">
          <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
            Sign out
          </Button>
        </Form>
      </div>
    </details>
  );
}
