// Every answer's body id (`chatcmpl-…`, `msg_…`, `resp_…`) is made from its
// request id (`req_…`, the x-generation-id header), so that either finds the
// request at /api/v1/generation, as the body id does on OpenRouter.
// @see https://openrouter.ai/docs/api-reference/get-a-generation

const REQUEST_PREFIX = "req_";

/** The body ids' prefixes, by the API that answers with them. */
export const BODY_ID_PREFIXES = {
  chat: "chatcmpl-",
  message: "msg_",
  response: "resp_",
} as const;

/** What a request's body ids share: its id without `req_` (a trusted proxy's id as it came). */
export const idSuffix = (requestId: string) =>
  requestId.startsWith(REQUEST_PREFIX) ? requestId.slice(REQUEST_PREFIX.length) : requestId;

export const bodyId = (kind: keyof typeof BODY_ID_PREFIXES, requestId: string) =>
  BODY_ID_PREFIXES[kind] + idSuffix(requestId);

/** The request ids a body id (or a request id) may stand for, most likely first. */
export function requestIdsOf(id: string): string[] {
  for (const prefix of Object.values(BODY_ID_PREFIXES)) {
    if (id.startsWith(prefix) && id.length > prefix.length) {
      const suffix = id.slice(prefix.length);
      return [REQUEST_PREFIX + suffix, suffix];
    }
  }
  return [id];
}
