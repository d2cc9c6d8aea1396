// Where a client asks to be sent after a form (sign-in's redirectTo, the theme
// toggle's, the account switcher's). A Location header is read by browsers,
// which forgive a lot: they strip tabs and newlines, read a backslash as a
// slash, and take "//host" as another site. So the target is resolved the way
// a browser resolves it, and kept only when it stays on this site.
// @see https://url.spec.whatwg.org/#concept-basic-url-parser
// Issue #21, finding 7: "/\evil.example/x" went to evil.example.

/** Stands for this site: a name no real host has (RFC 6761). */
const SAME_SITE = "http://same-site.invalid";
/** Longer paths are not ones our pages link to; they only make Location headers heavy. */
const MAX_LENGTH = 2048;
/** A path as our pages write it: "/" then printable ASCII (anything else percent-encoded). */
const PLAIN_PATH = /^\/[\x21-\x7e]*$/;

/** The target as a path of this site (normalised as a browser would), or undefined. */
export function sameSitePath(target: unknown): string | undefined {
  if (typeof target !== "string" || target.length > MAX_LENGTH || !PLAIN_PATH.test(target))
    return undefined;
  // Browsers read "\" as "/" in http(s) URLs: no path of ours has one.
  if (target.includes("\\") || target.startsWith("//")) return undefined;
  let url: URL;
  try {
    url = new URL(target, SAME_SITE);
  } catch {
    return undefined;
  }
  if (url.origin !== SAME_SITE) return undefined;
  const path = url.pathname + url.search + url.hash;
  // Removing dot segments can make "//" again: "/.//evil.example".
  return path.startsWith("//") ? undefined : path;
}

/** A path of this site to redirect to: the client's target when it is one, else `fallback`. */
export function safeRedirect(target: unknown, fallback = "/dashboard") {
  return sameSitePath(target) ?? fallback;
}
