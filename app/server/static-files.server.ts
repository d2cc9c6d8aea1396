import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/**
 * Serves the client build (build/client). Files under /assets/ carry a content
 * hash in their names, so browsers may keep them forever.
 * Answers false when there is no such file, so the caller can route on.
 */
export function createStaticFileHandler(root: string) {
  const base = normalize(root + sep);
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    } catch {
      return false;
    }
    const path = normalize(join(base, pathname));
    if (!path.startsWith(base) || pathname.endsWith("/")) return false;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return false;
    response.writeHead(200, {
      "Content-Type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      "Content-Length": info.size,
      "Cache-Control": pathname.startsWith("/assets/")
        ? "public, max-age=31536000, immutable"
        : "public, max-age=3600",
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(path).pipe(response);
    return true;
  };
}
