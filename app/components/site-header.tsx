import { Link } from "react-router";
import { Button } from "#app/components/ui/button.tsx";
import { useSignedInUser } from "#app/utils/use-signed-in-user.ts";

/** The public pages' header: a signed-in user gets their dashboard, a visitor the sign-in. */
export function SiteHeader() {
  const user = useSignedInUser();
  return (
    <header className="border-b">
      <div className="mx-auto flex h-14 max-w-5xl items-center justify-between px-6">
        <Link to="/" className="font-semibold tracking-tight">
          LLM Gateway
        </Link>
        <nav className="flex items-center gap-2">
          <Button asChild variant="ghost" size="sm">
            <Link to="/models">Models</Link>
          </Button>
          <Button asChild variant="ghost" size="sm">
            <Link to="/docs">Docs</Link>
          </Button>
          {user ? (
            <Button asChild size="sm">
              <Link to="/dashboard" title={`Signed in as ${user.email}`}>
                Dashboard
              </Link>
            </Button>
          ) : (
            <Button asChild size="sm">
              <Link to="/login">Sign in</Link>
            </Button>
          )}
        </nav>
      </div>
    </header>
  );
}
