import type { z } from "zod";

/**
 * The first problem zod found, as one message that names the field
 * (`messages[0].content: Invalid input`), and the field's path on its own.
 */
export function describeZodError(error: z.ZodError): { message: string; path?: string } {
  const issue = mostSpecific(error.issues[0]!, []);
  const path = issue.path
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
    .replace(/^\./, "");
  return path ? { message: `${path}: ${issue.message}`, path } : { message: issue.message };
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

// "Invalid input" on a union says little; the branch that got furthest says what is wrong.
function mostSpecific(issue: Issue, prefix: PropertyKey[]): Issue {
  const path = [...prefix, ...issue.path];
  if (issue.code !== "invalid_union" || !issue.errors?.length) return { ...issue, path };
  const candidates = issue.errors.flat().map((inner) => mostSpecific(inner, path));
  return candidates.reduce((best, next) => (next.path.length > best.path.length ? next : best), {
    ...issue,
    path,
  });
}
