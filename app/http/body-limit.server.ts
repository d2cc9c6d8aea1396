import type { IncomingMessage, ServerResponse } from "node:http";

// Bodies of requests React Router handles (form actions, the JSON API) are read
// by the Node adapter as fast as they arrive, into memory, before any action
// runs. So the server bounds them first, by their declared length: over the
// limit is 413, and a body without a length (chunked) is 411. Browsers, curl
// and fetch with a string or form body always declare one.

/** False when the request was answered here (the caller stops there). */
export function limitBody(request: IncomingMessage, response: ServerResponse, limit: number) {
  const declared = request.headers["content-length"];
  if (declared !== undefined) {
    if (Number(declared) <= limit) return true;
    refuse(response, 413, "request_too_large", `The request body is larger than ${limit} bytes`);
    return false;
  }
  if (request.headers["transfer-encoding"] === undefined) return true; // no body
  refuse(
    response,
    411,
    "length_required",
    "Send the body with a Content-Length header (chunked bodies are not accepted here)",
  );
  return false;
}

function refuse(response: ServerResponse, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { message, type: "invalid_request_error", code } });
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    // The body was not read: the connection cannot carry another request.
    Connection: "close",
  });
  response.end(body);
}
