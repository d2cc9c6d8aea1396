import { Form, Link } from "react-router";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";

/** The models table's search, and how many models match it. */
export function ModelSearch({ query, matches }: { query: string; matches: number }) {
  return (
    <>
      {/* A plain GET: the search works without JavaScript and its address can be shared. */}
      <Form method="get" role="search" className="flex max-w-md gap-2">
        <Input
          type="search"
          name="q"
          defaultValue={query}
          aria-label="Search models"
          placeholder="Model, provider or upstream name"
        />
        <Button type="submit" variant="outline">
          Search
        </Button>
      </Form>
      {query ? (
        <p className="text-sm text-muted-foreground">
          {matches} {matches === 1 ? "model matches" : "models match"} “{query}”.{" "}
          <Link to="/dashboard/admin" className="underline">
            Show all
          </Link>
        </p>
      ) : null}
    </>
  );
}
