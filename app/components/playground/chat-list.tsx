import { Link } from "react-router";
import { cn } from "#app/utils/cn.ts";

/** The person's conversations in this account, newest first; the open one marked. */
export function ChatList({
  chats,
  current,
  label,
}: {
  chats: { id: string; title: string; models: string[] }[];
  current: string | undefined;
  label: string;
}) {
  return (
    <nav aria-label={label} className="grid content-start gap-1">
      <Link
        to="/dashboard/playground"
        className="rounded-md border px-3 py-1.5 text-sm font-medium hover:bg-accent"
      >
        New chat
      </Link>
      {chats.length === 0 && (
        <p className="px-1 text-sm text-muted-foreground">No conversations yet.</p>
      )}
      {chats.map((chat) => (
        <Link
          key={chat.id}
          to={`/dashboard/playground/${chat.id}`}
          aria-current={chat.id === current ? "page" : undefined}
          className={cn(
            "grid rounded-md px-3 py-1.5 text-sm hover:bg-accent",
            chat.id === current ? "bg-accent font-medium" : "text-muted-foreground",
          )}
        >
          <span className="truncate">{chat.title}</span>
          <span className={cn("truncate text-xs", chat.id !== current && "text-muted-foreground")}>
            {chat.models.join(", ")}
          </span>
        </Link>
      ))}
    </nav>
  );
}
