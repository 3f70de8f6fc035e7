export function Spinner({ label }: { label: string }) {
  return (
    <span className="inline-flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
      <span
        className="h-4 w-4 animate-spin rounded-full border-2 border-zinc-300 border-t-brand-600"
        aria-hidden
      />
      {label}
    </span>
  );
}
