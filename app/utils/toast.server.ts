import { createCookie, redirect } from "react-router";

// One-shot messages after an action ("Key disabled."), carried across the
// redirect in a short-lived cookie and shown by the root layout. Works without
// JavaScript: the next page render reads and clears it.
const toastCookie = createCookie("gw_toast", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  maxAge: 60,
});

export async function redirectWithToast(url: string, message: string, headers: HeadersInit = {}) {
  const all = new Headers(headers);
  all.append("Set-Cookie", await toastCookie.serialize(message));
  return redirect(url, { headers: all });
}

/** The pending toast, and the Set-Cookie header that clears it once shown. */
export async function takeToast(request: Request) {
  const message: unknown = await toastCookie.parse(request.headers.get("cookie"));
  if (typeof message !== "string" || message === "") return { toast: null, headers: undefined };
  return {
    toast: message.slice(0, 300),
    headers: { "Set-Cookie": await toastCookie.serialize("", { maxAge: 0 }) },
  };
}
