"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { createSiweMessage } from "viem/siwe";
import { useAccount, useSignMessage } from "wagmi";
import { fetchJson } from "@/lib/api/fetch-json";

// The browser side of Sign-In with Ethereum: the session is the server's (httpOnly cookie); this
// hook reads it, signs in with the connected wallet, and signs out when the wallet changes.

export function useSession() {
  const { address, chainId } = useAccount();
  const queryClient = useQueryClient();
  const { signMessageAsync } = useSignMessage();

  const session = useQuery({
    queryKey: ["session"],
    queryFn: () => fetchJson<{ address: `0x${string}` | null }>("/api/auth/session"),
  });

  const signIn = useMutation({
    mutationFn: async () => {
      if (!address || !chainId) throw new Error("Connect your wallet first.");
      const { nonce } = await fetchJson<{ nonce: string }>("/api/auth/nonce");
      const message = createSiweMessage({
        address,
        chainId,
        domain: window.location.host,
        nonce,
        uri: window.location.origin,
        version: "1",
        statement: "Sign in to KubeBid. This costs nothing and sends no transaction.",
        issuedAt: new Date(),
        expirationTime: new Date(Date.now() + 10 * 60 * 1000),
      });
      const signature = await signMessageAsync({ message });
      return fetchJson<{ address: string }>("/api/auth/verify", {
        method: "POST",
        body: { message, signature },
      });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });

  const signOut = useMutation({
    mutationFn: () => fetchJson("/api/auth/logout", { method: "POST" }),
    onSuccess: () => queryClient.invalidateQueries(),
  });

  const sessionAddress = session.data?.address ?? null;
  const signedIn = Boolean(
    address && sessionAddress && sessionAddress.toLowerCase() === address.toLowerCase(),
  );

  // A session for another wallet than the connected one is not this user's: drop it.
  const mismatch = Boolean(address && sessionAddress && !signedIn);
  const { mutate: signOutMutate } = signOut;
  useEffect(() => {
    if (mismatch) signOutMutate();
  }, [mismatch, signOutMutate]);

  return { session, signedIn, sessionAddress, signIn, signOut };
}
