import { useEffect, useState } from "react";
import { Button } from "#app/components/ui/button.tsx";

/**
 * Copies `text` to the clipboard and says so ("Copied", announced to screen
 * readers) for two seconds; "Copy failed" when the browser refuses (an http
 * page that is not localhost has no clipboard API).
 */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () =>
    navigator.clipboard
      .writeText(text)
      .then(() => setState("copied"))
      .catch(() => setState("failed"));
  return (
    <Button type="button" variant="outline" size="sm" onClick={() => void copy()}>
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
      </span>
    </Button>
  );
}
