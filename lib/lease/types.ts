import type { LeaseContainerStatus } from "@/lib/k8s/summarize-pod";

// Shapes the lease page shows, independent of the Kubernetes client's types (client-safe).

export interface ResourceAmounts {
  cpuMillis: number | null;
  memoryBytes: number | null;
}

export interface LeasePod {
  name: string;
  phase: string;
  ready: boolean;
  readyContainers: number;
  containers: number;
  /** Container names (absent in status rows stored before it was added). */
  containerNames?: string[];
  restarts: number;
  node: string | null;
  createdAt: string | null;
  reason: string | null;
  /** Every reason it is not (or was not) running, e.g. CrashLoopBackOff with the last exit's OOMKilled (absent in rows saved before it existed). */
  reasons?: string[];
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  /** Each container: restarts, state and last state (OOMKilled, exit codes, back-off), requests/limits. */
  containerStatuses: LeaseContainerStatus[];
}

export interface LeaseEvent {
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  at: string | null;
}

export interface LeaseEndpoint {
  name: string;
  type: string;
  clusterIP: string | null;
  ports: { name: string | null; port: number; protocol: string; nodePort: number | null }[];
  addresses: string[];
}

/** An autoscaled service's HPA (lib/k8s/read-lease-status.ts LeaseAutoscaler). */
export interface LeaseAutoscaler {
  service: string;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  metrics: { resource: string; currentPercent: number | null; targetPercent: number }[];
  inactive: string | null;
}

/** A Deployment's rollout (lib/k8s/read-lease-status.ts). */
export interface LeaseRolloutView {
  name: string;
  specHash: string | null;
  replicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  complete: boolean;
}

export interface LeaseStatusView {
  /** Absent in status rows stored before it was added. */
  rollouts?: LeaseRolloutView[];
  pods: LeasePod[];
  events: LeaseEvent[];
  endpoints: LeaseEndpoint[];
  /** Autoscaled services (absent in status rows stored before it was added). */
  autoscalers?: LeaseAutoscaler[];
}

export interface ContainerUsage {
  container: string;
  cpuMillis: number;
  memoryBytes: number;
}

export interface PodUsage {
  pod: string;
  cpuMillis: number;
  memoryBytes: number;
  /** Per container (the pod's figures are their sums). */
  containers: ContainerUsage[];
}

/** One message on a lease's live channel. */
export type LiveMessage =
  | { type: "sample"; at: string; usage: PodUsage[]; metricsAvailable: boolean }
  | { type: "status"; at: string; status: LeaseStatusView }
  | { type: "error"; at: string; message: string; retryInMs: number };
