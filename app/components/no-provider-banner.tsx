import { Link } from "react-router";
import { PROVIDER_KEY_VARIABLES, PROVIDERS_PAGE } from "#app/providers/provider-setup.ts";
import { cn } from "#app/utils/cn.ts";

/**
 * Shown while no provider has a key (ADR 042): every model call would answer
 * 503, so the page says what to set. An admin gets the link to the Providers
 * page, where a key can be added without a restart.
 */
export function NoProviderBanner({ admin, className }: { admin: boolean; className?: string }) {
  const variables = Object.values(PROVIDER_KEY_VARIABLES);
  return (
    <section
      role="status"
      aria-label="No provider configured"
      className={cn(
        "rounded-md border border-destructive px-4 py-3 text-sm break-words",
        className,
      )}
    >
      <p className="font-medium">No provider is configured on this gateway yet</p>
      <p className="mt-1 text-muted-foreground">
        Every model call answers 503 until one is. Set{" "}
        {variables.map((variable, i) => (
          <span key={variable}>
            <code>{variable}</code>
            {i < variables.length - 2 ? ", " : i === variables.length - 2 ? " or " : ""}
          </span>
        ))}{" "}
        and restart the gateway
        {admin ? (
          <>
            , or add a provider key on the{" "}
            <Link to={PROVIDERS_PAGE} className="font-medium text-foreground underline">
              Providers page
            </Link>
          </>
        ) : (
          <> (or ask an admin to add a provider key)</>
        )}
        . To try it without keys: <code>npm run fake-providers</code> prints the variables that
        point the gateway at local fake providers.
      </p>
    </section>
  );
}
