import { modelPage } from "#app/usage/model-page.server.ts";
import type { Route } from "./+types/models.$author.$slug";

// A model's page under its OpenRouter id (/models/openai/gpt-6.2-sol): the same
// page as /models/<slug> (models.$id.tsx), and the address of a slug that has an author.
export { middleware, meta, default } from "./models.$id.tsx";

export function loader({ params }: Route.LoaderArgs) {
  return modelPage(`${params.author}/${params.slug}`);
}
