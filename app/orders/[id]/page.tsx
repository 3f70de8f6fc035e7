import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OrderAuction } from "@/components/market/order-auction";
import { getDb } from "@/db";
import { getOrderDetail } from "@/lib/market/get-order-detail";

export const metadata: Metadata = { title: "Auction" };

export default async function OrderPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  if (!/^[0-9]{1,78}$/.test(id)) notFound();
  const initial = await getOrderDetail({ db: await getDb(), id });
  return <OrderAuction id={id} initial={initial} />;
}
