/** The caller's IP: Fly-Client-IP behind Fly's proxy, else the first X-Forwarded-For hop. */
export function clientIp(request: Request) {
  return (
    request.headers.get("fly-client-ip") ??
    request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ??
    "direct"
  );
}
