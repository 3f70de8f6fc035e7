import type { Metadata } from "next";
import { ProviderConsole } from "@/components/provider/provider-console";
import { getDb } from "@/db";
import { getProviderConsole } from "@/lib/provider/provider-console";
import { readPageSession } from "@/lib/provider/read-page-session";

export const metadata: Metadata = { title: "Provider console" };

export default async function ProviderPage() {
  const db = await getDb();
  const address = await readPageSession(db);
  const initial = address ? await getProviderConsole({ db, address }) : null;
  return <ProviderConsole initial={initial} />;
}
