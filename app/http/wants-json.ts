/**
 * The client asked for JSON and not HTML (`Accept: application/json`, as the
 * OpenAI and Anthropic SDKs send it); a browser's Accept names text/html, and
 * curl's is *\/*.
 */
export function wantsJsonOnly(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}
