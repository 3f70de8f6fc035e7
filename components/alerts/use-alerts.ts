"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSession } from "@/components/wallet/use-session";
import type { AlertView } from "@/lib/alerts/alert-kinds";
import { fetchJson } from "@/lib/api/fetch-json";

// The signed-in wallet's alerts for the bell and the notifications page (one query, polled), and
// marking them read.

const POLL_MS = 15_000;

export function useAlerts() {
  const { signedIn } = useSession();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ["alerts"],
    queryFn: () => fetchJson<{ alerts: AlertView[]; unread: number }>("/api/alerts?limit=100"),
    enabled: signedIn,
    refetchInterval: POLL_MS,
  });
  const markRead = useMutation({
    mutationFn: (ids: number[] | "all") =>
      fetchJson<{ changed: number }>("/api/alerts/read", {
        method: "POST",
        body: ids === "all" ? { all: true } : { ids },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["alerts"] }),
  });
  return { signedIn, query, markRead };
}
