import { Form } from "react-router";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";

export interface SessionRow {
  id: string;
  device: string;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** Every browser signed in to the account, each to sign out, and all others at once. */
export function SessionsList({ sessions }: { sessions: SessionRow[] }) {
  const others = sessions.filter((session) => !session.current).length;
  return (
    <section aria-labelledby="sessions" className="grid gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="sessions" className="text-lg font-semibold tracking-tight">
            Sessions
          </h2>
          <p className="text-sm text-muted-foreground">
            Every browser signed in to your account. Sign out the ones you do not recognise.
          </p>
        </div>
        {others > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="revoke-others" />
            <Button type="submit" variant="outline">
              Sign out everywhere else
            </Button>
          </Form>
        ) : null}
      </div>
      <ul aria-label="Sessions" className="grid gap-2">
        {sessions.map((session) => (
          <li
            key={session.id}
            className="flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3"
          >
            <div className="grid min-w-0 gap-0.5 text-sm">
              <p className="font-medium">
                {session.device}{" "}
                {session.current ? <Badge variant="secondary">This session</Badge> : null}
              </p>
              <p className="text-xs break-words text-muted-foreground" title={session.userAgent}>
                {session.ip} · signed in {new Date(session.createdAt).toLocaleString("en")} · last
                seen {new Date(session.lastSeenAt).toLocaleString("en")}
              </p>
            </div>
            <Form method="post">
              <input type="hidden" name="intent" value="revoke" />
              <input type="hidden" name="sessionId" value={session.id} />
              <Button
                type="submit"
                size="sm"
                variant="outline"
                aria-label={`Sign out ${session.current ? "this session" : `${session.device} (${session.ip})`}`}
              >
                Sign out
              </Button>
            </Form>
          </li>
        ))}
      </ul>
    </section>
  );
}
