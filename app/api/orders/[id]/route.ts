// GET /api/orders/[id] – an order's auction: terms, every bid so far, the best one and the live on-chain status.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { getOrderDetail } from "@/lib/market/get-order-detail";

export const GET = route({ params: z.object({ id: zUintString }) }, async ({ db, params }) => {
  const order = await getOrderDetail({ db, id: params.id });
  if (!order) throw new AppError("NOT_FOUND", "No such order (yet).");
  return order;
});
