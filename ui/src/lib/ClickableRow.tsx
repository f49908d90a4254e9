import type { ReactNode } from "react";

/** A table row that opens something on click or Enter, and is reachable with Tab. */
export function ClickableRow({ onOpen, className, children }: { onOpen: () => void; className?: string; children: ReactNode }) {
  return (
    <tr
      tabIndex={0}
      className={className ? `clickable ${className}` : "clickable"}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === "Enter") onOpen();
      }}
    >
      {children}
    </tr>
  );
}
