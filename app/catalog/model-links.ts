// Where a model's pages are: its own page (/models/<slug>, ADR 071) and the
// playground with it chosen. A slug with an author (`meta-llama/llama-3.3-70b`)
// keeps its slash: /models/<author>/<slug> is the same page.

const path = (slug: string) => slug.split("/").map(encodeURIComponent).join("/");

export const modelPagePath = (slug: string) => `/models/${path(slug)}`;

export const playgroundPath = (slug: string) =>
  `/dashboard/playground?${new URLSearchParams({ models: slug })}`;
