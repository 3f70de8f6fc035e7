import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg py-20 text-center" data-testid="not-found">
      <p className="text-sm font-semibold text-brand-600 dark:text-brand-400">404</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight">Page not found</h1>
      <p className="mt-4 text-zinc-600 dark:text-zinc-400">
        There is nothing at this address. The order or lease you are looking for may never have existed.
      </p>
      <Link href="/" className={`mt-8 ${buttonClass()}`}>
        Back to the market
      </Link>
    </div>
  );
}
