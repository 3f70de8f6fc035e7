"use client";

import { type ReactNode, type ThHTMLAttributes, useEffect, useRef, useState } from "react";

// The one table of the app. It scrolls sideways inside its card on a narrow screen (the page itself
// never does); when it does scroll, the scroll area becomes a named, focusable region so keyboard
// users can scroll it too (WCAG 2.1.1, axe `scrollable-region-focusable`). Cell padding is set
// here for every `<th>`/`<td>` inside, so rows stay plain markup; `dense` is the tighter rows of
// the provider console's long lists; `maxHeight` scrolls vertically under a sticky header. The
// scroll area is `relative` so absolutely positioned content (an `sr-only` header) is clipped with
// the rest instead of widening the page.

export function Table(props: {
  /** What the table lists; names the scroll region for screen readers. */
  label: string;
  children: ReactNode;
  testId?: string;
  dense?: boolean;
  /** A Tailwind max-height class (e.g. "max-h-96"). */
  maxHeight?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () =>
      setScrolls(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  const pad = props.dense
    ? "[&_td]:py-1.5 [&_td]:pr-3 [&_th]:py-1.5 [&_th]:pr-3"
    : "[&_td]:py-2 [&_td]:pr-4 [&_th]:py-2 [&_th]:pr-4";
  return (
    <div
      ref={ref}
      className={`relative overflow-auto overscroll-x-contain ${props.maxHeight ?? ""}`}
      {...(scrolls ? { role: "region", "aria-label": props.label, tabIndex: 0 } : {})}
    >
      <table
        data-testid={props.testId}
        className={`w-full text-left text-sm ${pad} [&_td:last-child]:pr-0 [&_th:last-child]:pr-0`}
      >
        {props.children}
      </table>
    </div>
  );
}

/** The header row. `sticky` keeps it in sight in a table with a `maxHeight`. */
export function THead(props: { children: ReactNode; sticky?: boolean }) {
  return (
    <thead
      className={`text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400 ${
        props.sticky ? "sticky top-0 bg-white dark:bg-zinc-900" : ""
      }`}
    >
      <tr>{props.children}</tr>
    </thead>
  );
}

export function TBody(props: { children: ReactNode }) {
  return <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">{props.children}</tbody>;
}

/** A column header: never wraps (the table scrolls instead), announced as a column header. */
export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" {...props} className={`whitespace-nowrap font-medium ${className ?? ""}`} />;
}
