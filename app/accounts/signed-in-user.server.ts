import { getAccounts } from "./accounts.server.ts";
import { getSession } from "./session.server.ts";

/**
 * Who is signed in, for the header of the public pages (home, models, docs, an
 * invitation, a 404): null when nobody is. A page that cannot ask the database
 * still renders, as for a visitor; the page's own loader reports the outage.
 */
export async function getSignedInUser(request: Request): Promise<{ email: string } | null> {
  if (!request.headers.get("cookie")) return null;
  try {
    const accounts = getAccounts();
    const session = await getSession(accounts, request);
    if (!session) return null;
    const user = await accounts.prisma.user.findUnique({
      where: { id: session.userId },
      select: { email: true },
    });
    return user ? { email: user.email ?? "" } : null;
  } catch {
    return null;
  }
}
