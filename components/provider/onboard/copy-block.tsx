"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A titled block of text (a manifest, commands) with a Copy button. */
export function CopyBlock(props: { title: string; text: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <div className="mb-1 flex items-center justify-between">
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{props.title}</span>
        <Button
          variant="ghost"
          className="!px-2 !py-1 text-xs"
          data-testid={`${props.testId}-copy`}
          onClick={async () => {
            await navigator.clipboard?.writeText(props.text).catch(() => {});
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? "Copied ✓" : "Copy"}
        </Button>
      </div>
      <pre
        // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls; keyboard users must reach it (WCAG 2.1.1)
        tabIndex={0}
        data-testid={props.testId}
        className="max-h-56 overflow-auto rounded-md bg-zinc-950 p-3 text-xs leading-relaxed text-zinc-100"
      >
        {props.text}
      </pre>
    </div>
  );
}
