import { lazy } from "react";

// recharts weighs some 30 MB in a server process: loaded the first time a page
// draws a chart (it draws in the browser; on the server it renders an empty frame).
// Render it inside <Suspense>.
export const SpendChart = lazy(() =>
  import("#app/components/spend-chart.tsx").then((module) => ({ default: module.SpendChart })),
);
