import {
  data,
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
  type LinksFunction,
} from "react-router";
import type { Route } from "./+types/root";
import "./app.css";
import { takeToast } from "./utils/toast.server.ts";
import { themeOf } from "./utils/theme.server.ts";
import { getSignedInUser } from "./accounts/signed-in-user.server.ts";
import { SiteHeader } from "./components/site-header.tsx";
import type { RootData } from "./utils/root-data.ts";

export const links: LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export function Layout({ children }: { children: React.ReactNode }) {
  // The visitor's theme; the system's when they chose none (or on an error page).
  const theme = useRouteLoaderData<typeof loader>("root")?.theme ?? "system";
  return (
    <html lang="en" className={theme === "system" ? undefined : theme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export async function loader({ request }: Route.LoaderArgs) {
  const { toast, headers } = await takeToast(request);
  const [theme, user] = await Promise.all([themeOf(request), getSignedInUser(request)]);
  // The public pages' header shows who is signed in (their dashboard, not "Sign in").
  return data<RootData>({ toast, theme, user }, { headers });
}

export default function App({ loaderData }: Route.ComponentProps) {
  return (
    <>
      {loaderData.toast ? (
        <div
          role="status"
          className="fixed right-4 bottom-4 z-50 max-w-sm rounded-lg border bg-background px-4 py-3 text-sm shadow-lg"
        >
          {loaderData.toast}
        </div>
      ) : null}
      <Outlet />
    </>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound
    ? "Page not found"
    : isRouteErrorResponse(error)
      ? `${error.status} ${error.statusText}`
      : "Something went wrong";
  const detail = notFound
    ? "There is nothing at this address."
    : "The error was logged. Try again, or go back to the start page.";
  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex max-w-xl flex-col items-start gap-4 px-6 py-24">
        <h1 className="text-3xl font-semibold tracking-tight">{title}</h1>
        <p className="text-muted-foreground">{detail}</p>
        <a href="/" className="text-sm font-medium underline underline-offset-4">
          Back to the start page
        </a>
      </main>
    </>
  );
}
