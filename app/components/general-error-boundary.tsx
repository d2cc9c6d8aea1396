import { isRouteErrorResponse, Link, useRouteError } from "react-router";

/**
 * What a dashboard route shows when its loader or action fails: the status and
 * the message it was given, inside the dashboard layout (its header and
 * navigation stay). A way back always: to the overview, and for what may pass
 * (an outage, an unexpected error) a reload too. Unexpected errors say only
 * that they were logged: their details stay in the log.
 */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { title, detail } = describe(error);
  // Asking again changes nothing for a refusal or an address that leads nowhere.
  const mayPass = !isRouteErrorResponse(error) || error.status >= 500;
  return (
    <section role="alert" className="flex max-w-xl flex-col items-start gap-4 py-12">
      <h1 className="text-3xl font-semibold tracking-tight">{title}</h1>
      <p className="text-muted-foreground">{detail}</p>
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm font-medium">
        <Link to="/dashboard" className="underline underline-offset-4">
          Back to the overview
        </Link>
        {mayPass ? (
          <Link to="." reloadDocument className="underline underline-offset-4">
            Reload this page
          </Link>
        ) : null}
      </div>
    </section>
  );
}

function describe(error: unknown) {
  if (!isRouteErrorResponse(error))
    return { title: "Something went wrong", detail: "The error was logged. Try again." };
  const title = TITLES[error.status] ?? `${error.status} ${error.statusText}`;
  return { title, detail: messageOf(error.data) ?? DETAILS[error.status] ?? "Try again." };
}

const TITLES: Record<number, string> = {
  400: "That request was not valid",
  403: "Not allowed",
  404: "Not found",
  413: "Too much data",
  415: "Unsupported form",
  503: "Temporarily unavailable",
};
const DETAILS: Record<number, string> = {
  404: "There is nothing at this address.",
  503: "The database cannot be reached right now. Try again in a moment.",
};

// Routes throw data("message") or a JSON error in the API's shape ({error: {message}}).
function messageOf(data: unknown): string | undefined {
  if (typeof data === "string" && data.trim() !== "") return data;
  const message = (data as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === "string" ? message : undefined;
}
