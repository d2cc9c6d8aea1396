/** The origin clients use to reach us, honouring a TLS-terminating proxy (Fly.io). */
export function publicOrigin(request: Request) {
  const url = new URL(request.url);
  const forwardedProto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwardedProto === "https" || forwardedProto === "http") url.protocol = `${forwardedProto}:`;
  return url.origin;
}
