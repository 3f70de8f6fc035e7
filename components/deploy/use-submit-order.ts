"use client";

import { useState } from "react";
import { type Address, type Hex, parseEventLogs, parseSignature } from "viem";
import { useAccount, usePublicClient, useSignTypedData, useWriteContract } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import type { StepState } from "@/components/ui/stepper";
import { fetchJson } from "@/lib/api/fetch-json";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { type Order, orderTypedData, serializeOrder } from "@/lib/chain/order-types";
import { permitTypedData } from "@/lib/chain/permit-types";
import type { Manifest, SecretValue } from "@/lib/market/manifest";
import { shortMessage } from "@/lib/wagmi/short-message";

// The tenant's path from a built order to an order on chain, one step at a time:
//   approve (token allowance for the deposit, or an ERC-2612 permit when relayed)
//   → sign (the EIP-712 order in the wallet) → submit (createOrder from the wallet, or the server
//   relays createOrderWithPermit) → confirmed (the OrderCreated event gives the order id).
// The manifest is stored on the server between sign and submit: the server accepts it only with the
// signature, and a relayed order is only sent for a stored manifest. Secret values go with it (POST
// /api/manifests `secrets`), checked against the manifest's digests and stored encrypted.

export type SubmitMode = "wallet" | "relay";
export type StepId = "approve" | "sign" | "submit" | "confirmed";

const initialSteps: Record<StepId, { state: StepState; detail?: string }> = {
  approve: { state: "todo" },
  sign: { state: "todo" },
  submit: { state: "todo" },
  confirmed: { state: "todo" },
};

export function useSubmitOrder() {
  const config = usePublicConfig();
  const { address, chainId } = useAccount();
  const client = usePublicClient();
  const { signTypedDataAsync } = useSignTypedData();
  const { writeContractAsync } = useWriteContract();
  const [steps, setSteps] = useState(initialSteps);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [orderId, setOrderId] = useState<string | null>(null);

  const set = (id: StepId, state: StepState, detail?: string) =>
    setSteps((s) => ({ ...s, [id]: { state, detail } }));

  async function submit({
    order,
    manifest,
    secrets,
    mode,
  }: {
    order: Order;
    manifest: Manifest;
    /** The sealed secrets' values and salts: sent once, beside the manifest, never stored here. */
    secrets: SecretValue[];
    mode: SubmitMode;
  }) {
    setError(null);
    setSteps(initialSteps);
    setOrderId(null);
    const market = config.marketAddress;
    const token = config.tokenAddress;
    let current: StepId = "approve";
    try {
      if (!address) throw new Error("Connect your wallet first.");
      if (chainId !== config.chainId) throw new Error("Switch your wallet to the market's network first.");
      if (!market || !token || !client) throw new Error("No market contract is configured on this server.");
      setBusy(true);

      const balance = await client.readContract({
        address: token,
        abi: mockStablecoinAbi,
        functionName: "balanceOf",
        args: [address],
      });
      if (balance < order.deposit) throw new Error("Your token balance does not cover the deposit.");

      // 1. Funding: an allowance (wallet mode) or a permit signature (relayed, no gas for the tenant).
      set("approve", "active");
      let permit: { deadline: string; v: number; r: Hex; s: Hex } | undefined;
      if (mode === "relay") {
        const [[, name, version, domainChainId, verifyingContract], nonce] = await Promise.all([
          client.readContract({ address: token, abi: mockStablecoinAbi, functionName: "eip712Domain" }),
          client.readContract({
            address: token,
            abi: mockStablecoinAbi,
            functionName: "nonces",
            args: [address],
          }),
        ]);
        const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
        const signature = await signTypedDataAsync(
          permitTypedData({
            domain: { name, version, chainId: Number(domainChainId), verifyingContract },
            owner: address,
            spender: market,
            value: order.deposit,
            nonce,
            deadline,
          }),
        );
        const { v, r, s, yParity } = parseSignature(signature);
        permit = { deadline: deadline.toString(), v: Number(v ?? BigInt(yParity + 27)), r, s };
        set("approve", "done", "permit signed");
      } else {
        const allowance = await client.readContract({
          address: token,
          abi: mockStablecoinAbi,
          functionName: "allowance",
          args: [address, market],
        });
        if (allowance < order.deposit) {
          const hash = await writeContractAsync({
            address: token,
            abi: mockStablecoinAbi,
            functionName: "approve",
            args: [market, order.deposit],
          });
          set("approve", "active", "waiting for the approval to confirm…");
          await client.waitForTransactionReceipt({ hash });
          set("approve", "done", "deposit approved");
        } else set("approve", "done", "allowance already in place");
      }

      // 2. The order, signed in the wallet.
      current = "sign";
      set("sign", "active", "confirm in your wallet");
      const signature = await signTypedDataAsync(orderTypedData(order, config.chainId, market));
      await fetchJson("/api/manifests", {
        method: "POST",
        body: {
          manifest,
          secrets,
          order: serializeOrder(order),
          signature,
          domain: { chainId: config.chainId, verifyingContract: market },
        },
      });
      set("sign", "done", "signed; manifest stored");

      // 3. Submission.
      current = "submit";
      let id: string;
      if (mode === "relay") {
        set("submit", "active", "the server relays your order…");
        const relayed = await fetchJson<{ orderId: string }>("/api/orders/relay", {
          method: "POST",
          body: { order: serializeOrder(order), signature, permit },
        });
        id = relayed.orderId;
      } else {
        set("submit", "active", "confirm the transaction in your wallet");
        const hash = await writeContractAsync({
          address: market as Address,
          abi: computeMarketAbi,
          functionName: "createOrder",
          args: [order],
        });
        set("submit", "active", "waiting for the block…");
        const receipt = await client.waitForTransactionReceipt({ hash });
        const [created] = parseEventLogs({
          abi: computeMarketAbi,
          logs: receipt.logs,
          eventName: "OrderCreated",
        });
        if (!created) throw new Error("The transaction did not create an order.");
        id = created.args.orderId.toString();
      }
      set("submit", "done");
      current = "confirmed";
      set("confirmed", "done", `order #${id}`);
      setOrderId(id);
      return id;
    } catch (e) {
      set(current, "error");
      setError(shortMessage(e));
      return null;
    } finally {
      setBusy(false);
    }
  }

  return { submit, steps, error, busy, orderId, address };
}
