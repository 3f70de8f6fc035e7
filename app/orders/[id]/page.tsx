import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OrderAuction } from "@/components/market/order-auction";
import { getDb } from "@/db";
import { getOrderDetail } from "@/lib/market/get-order-detail";

export const metadata: Metadata = { title: "Auction" };

export default async function OrderPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  if (!/^[0-9]{1,78}$/.test(id)) notFound();
  // One check of the database and the chain: an order neither has is a 404, not a page that waits.
  const initial = await getOrderDetail({ db: await getDb(), id });
  if (!initial) notFound();
  return <OrderAuction id={id} initial={initial} />;
}
