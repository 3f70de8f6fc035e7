import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProviderProfile } from "@/components/provider/profile/provider-profile";
import { getDb } from "@/db";
import { getProviderProfile } from "@/lib/market/get-provider-profile";

export const metadata: Metadata = { title: "Provider" };

export default async function ProviderPublicPage(props: { params: Promise<{ address: string }> }) {
  const { address } = await props.params;
  // Not an address, or one the market has never seen: a 404 at once.
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) notFound();
  const profile = await getProviderProfile({ db: await getDb(), address });
  if (!profile) notFound();
  return <ProviderProfile profile={profile} now={Date.now()} />;
}
