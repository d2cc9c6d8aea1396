import { Link } from "react-router";
import { Button } from "#app/components/ui/button.tsx";

export function SiteHeader() {
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
          <Button asChild size="sm">
            <Link to="/login">Sign in</Link>
          </Button>
        </nav>
      </div>
    </header>
  );
}
