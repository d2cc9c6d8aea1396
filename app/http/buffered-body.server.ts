import { singleton } from "../utils/singleton.server.ts";

// A request body the server read before handing the request to an action (see
// direct-actions.server.ts): reading it there, into one buffer, costs a fraction
// of a Fetch body stream. The action finds it with bufferedBody(request).

/** The body was longer than the limit: the server stopped reading it. */
export const TOO_LARGE = "too large";

export type BufferedBody = Buffer | typeof TOO_LARGE;

const bodies = singleton("buffered-bodies", () => new WeakMap<Request, BufferedBody>());

export function setBufferedBody(request: Request, body: BufferedBody) {
  bodies.set(request, body);
}

/** The body the server read for this request, or undefined when it left it in the request. */
export function bufferedBody(request: Request): BufferedBody | undefined {
  return bodies.get(request);
}
