import type { ReactNode } from "react";
import type { ModelRow } from "#app/admin/models-overview.server.ts";

/** One line per route of a model, the same order in every column; "–" for a model no provider serves. */
export function RouteLines({
  model,
  show,
}: {
  model: ModelRow;
  show: (route: ModelRow["routes"][number]) => ReactNode;
}) {
  if (model.routes.length === 0) return <span className="text-muted-foreground">–</span>;
  return (
    <ul className="grid gap-1">
      {model.routes.map((route) => (
        <li key={route.id}>{show(route)}</li>
      ))}
    </ul>
  );
}
