import { Link } from "react-router";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { UserChangeButton } from "./user-change-button.tsx";

interface UserRow {
  id: string;
  email: string;
  admin: boolean;
  disabled: boolean;
  balance: string;
  keys: number;
  since: string;
}

/** The users found, each with their balance and the buttons that change them (not the admin's own Disable). */
export function UserList({
  users,
  search,
  adminId,
}: {
  users: readonly UserRow[];
  search: string;
  adminId: string;
}) {
  return (
    <ul aria-label="Users" className="grid gap-2">
      {users.map((user) => (
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
                to={`?${new URLSearchParams({ q: search, grant: user.id })}`}
                aria-label={`Grant credits to ${user.email}`}
              >
                Grant credits
              </Link>
            </Button>
            <UserChangeButton
              userId={user.id}
              intent={user.admin ? "remove-admin" : "make-admin"}
              label={user.admin ? "Remove admin" : "Make admin"}
              email={user.email}
            />
            {user.disabled || user.id === adminId ? null : (
              <UserChangeButton
                userId={user.id}
                intent="reset-link"
                label="Reset link"
                email={user.email}
              />
            )}
            {user.id === adminId ? null : (
              <UserChangeButton
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
  );
}
