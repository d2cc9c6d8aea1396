// Calling route modules' loaders and actions the way React Router does: with a
// Request (forms as form data, no JavaScript), and reading what they answered.

export const BASE = "http://gateway.test";

export const args = (request: Request, params: Record<string, string> = {}) =>
  ({ request, params, context: {}, unstable_pattern: "", url: new URL(request.url) }) as never;

export const get = (path: string, cookie: string) =>
  new Request(BASE + path, { headers: { cookie } });

export const post = (path: string, fields: Record<string, string>, cookie: string) =>
  new Request(BASE + path, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { cookie },
  });

/** Runs a loader or action; a thrown Response (redirect, 4xx) is returned like a returned one. */
export async function run<T>(fn: () => Promise<T> | T): Promise<T | Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Response) return error;
    if (error && typeof error === "object" && "init" in error && "data" in error)
      return error as never;
    throw error;
  }
}

/** The HTTP status a loader's or action's answer stands for (200 for plain data). */
export const statusOf = (value: unknown) =>
  value instanceof Response
    ? value.status
    : ((value as { init?: { status?: number } })?.init?.status ?? 200);
