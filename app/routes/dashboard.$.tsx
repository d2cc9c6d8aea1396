import { data } from "react-router";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";

// An unknown address under /dashboard: a 404 inside the dashboard layout, with its navigation.
export function loader() {
  throw data("There is nothing at this address.", { status: 404 });
}

export default function DashboardNotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
