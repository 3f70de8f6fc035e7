import Link from "next/link";

export function SiteFooter() {
  return (
    <footer className="border-t border-zinc-200 dark:border-zinc-800">
      <div className="mx-auto flex max-w-7xl flex-wrap gap-x-4 gap-y-1 px-4 py-4 text-sm text-zinc-600 sm:px-6 dark:text-zinc-400">
        <Link href="/api-docs" className="hover:text-zinc-900 hover:underline dark:hover:text-white">
          API reference
        </Link>
        <a href="/api/openapi.json" className="hover:text-zinc-900 hover:underline dark:hover:text-white">
          OpenAPI JSON
        </a>
      </div>
    </footer>
  );
}
