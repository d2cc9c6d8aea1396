/** POSTs a chat completion to a gateway with a key; the user says "Hi" unless `body` has messages. */
export function postCompletion(
  baseUrl: string,
  secret: string,
  body: Record<string, unknown>,
  signal?: AbortSignal,
) {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }], ...body }),
    signal,
  });
}
