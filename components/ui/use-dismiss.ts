"use client";

import { type RefObject, useEffect } from "react";

/**
 * Closes an open popover on Escape (returning focus to its toggle) and on a press outside both the
 * panel and the toggle. An Escape something inside already handled (defaultPrevented, e.g. the wallet's
 * menu) closes only that; with `claimEscape` this one marks its Escape handled in turn, so a popover it
 * sits in stays open.
 */
export function useDismiss(opts: {
  open: boolean;
  close: () => void;
  panel: RefObject<HTMLElement | null>;
  toggle: RefObject<HTMLElement | null>;
  claimEscape?: boolean;
}) {
  const { open, close, panel, toggle, claimEscape } = opts;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) {
        if (claimEscape) e.preventDefault();
        close();
        toggle.current?.focus();
      }
    };
    const onPointer = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !toggle.current?.contains(target)) close();
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onPointer);
    };
  }, [open, close, panel, toggle, claimEscape]);
}
