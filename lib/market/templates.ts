import type { DraftManifest } from "@/lib/market/draft-manifest";

// Starting points for the deploy form, as v2 drafts. Each is a valid manifest once its secrets have
// values (templates.test.ts). A secret's value starts empty and the form asks the tenant for it: a
// password the tenant never saw would be one they cannot use to reach their own database.

export interface DeployTemplate {
  id: "web" | "jupyter" | "llm" | "postgres" | "guestbook" | "blank";
  title: string;
  description: string;
  manifest: DraftManifest;
  /** Suggested lease length and bid window, in seconds. */
  durationSeconds: number;
  bidWindowSeconds: number;
}

export const deployTemplates: DeployTemplate[] = [
  {
    id: "web",
    title: "Web server",
    description: "nginx serving HTTP on port 80 at a public hostname. The quickest way to try the market.",
    manifest: {
      version: 2,
      name: "web",
      services: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ name: "http", port: 80, expose: "http" }],
          resources: { cpu: 500, memory: 512, storage: 1024 },
          replicas: 1,
        },
      ],
    },
    durationSeconds: 3600,
    bidWindowSeconds: 20,
  },
  {
    id: "jupyter",
    title: "Jupyter notebook",
    description: "JupyterLab with the scientific Python stack, served over HTTP.",
    manifest: {
      version: 2,
      name: "notebook",
      services: [
        {
          name: "notebook",
          image: "quay.io/jupyter/scipy-notebook:2024-10-07",
          ports: [{ name: "http", port: 8888, expose: "http" }],
          env: [{ name: "JUPYTER_ENABLE_LAB", value: "yes" }],
          resources: { cpu: 2000, memory: 4096, storage: 10240 },
          replicas: 1,
        },
      ],
    },
    durationSeconds: 4 * 3600,
    bidWindowSeconds: 60,
  },
  {
    id: "llm",
    title: "GPU LLM inference",
    description: "vLLM serving an open model with an OpenAI-compatible API on one GPU.",
    manifest: {
      version: 2,
      name: "llm",
      services: [
        {
          name: "llm",
          image: "vllm/vllm-openai:v0.6.3",
          args: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "8192"],
          ports: [{ name: "http", port: 8000, expose: "http" }],
          resources: { cpu: 8000, memory: 32768, storage: 51200, gpu: { count: 1 } },
          replicas: 1,
        },
      ],
    },
    durationSeconds: 8 * 3600,
    bidWindowSeconds: 120,
  },
  {
    id: "postgres",
    title: "PostgreSQL",
    description: "PostgreSQL 16 on a 10 GiB persistent volume, reachable over TCP; you set the password.",
    manifest: {
      version: 2,
      name: "postgres",
      services: [
        {
          name: "postgres",
          image: "postgres:16",
          env: [
            { name: "POSTGRES_PASSWORD", secret: "postgres-password" },
            // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
            { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
          ],
          ports: [{ name: "pg", port: 5432, expose: "tcp" }],
          resources: { cpu: 1000, memory: 2048, storage: 1024 },
          replicas: 1,
          readiness: { tcp: { port: 5432 } },
          volumes: [
            { name: "data", mount: "/var/lib/postgresql/data", size: 10240, storageClass: "standard" },
          ],
        },
      ],
      secrets: [{ name: "postgres-password", value: "" }],
    },
    durationSeconds: 24 * 3600,
    bidWindowSeconds: 60,
  },
  {
    id: "guestbook",
    title: "Web + PostgreSQL",
    description: "A guestbook web app on a public hostname, backed by PostgreSQL on a persistent volume.",
    manifest: {
      version: 2,
      name: "guestbook",
      services: [
        {
          name: "web",
          image: "ghcr.io/kubebid/guestbook:1.0",
          ports: [{ name: "http", port: 8080, expose: "http" }],
          env: [
            { name: "DATABASE_HOST", value: "db" },
            { name: "DATABASE_PORT", value: "5432" },
            { name: "DATABASE_USER", value: "postgres" },
            { name: "DATABASE_NAME", value: "postgres" },
            { name: "DATABASE_PASSWORD", secret: "db-password" },
          ],
          resources: { cpu: 250, memory: 256, storage: 512 },
          replicas: 1,
        },
        {
          name: "db",
          image: "postgres:16",
          ports: [{ name: "pg", port: 5432, expose: "internal" }],
          env: [
            { name: "POSTGRES_PASSWORD", secret: "db-password" },
            { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
          ],
          resources: { cpu: 500, memory: 1024, storage: 1024 },
          replicas: 1,
          readiness: { tcp: { port: 5432 } },
          volumes: [
            { name: "data", mount: "/var/lib/postgresql/data", size: 1024, storageClass: "standard" },
          ],
        },
      ],
      secrets: [{ name: "db-password", value: "" }],
    },
    durationSeconds: 3600,
    bidWindowSeconds: 30,
  },
  {
    id: "blank",
    title: "Blank",
    description: "Your own image and settings.",
    manifest: {
      version: 2,
      name: "app",
      services: [
        {
          name: "app",
          image: "busybox:1.36",
          command: ["sh", "-c", "while true; do date; sleep 5; done"],
          resources: { cpu: 250, memory: 256, storage: 512 },
          replicas: 1,
        },
      ],
    },
    durationSeconds: 3600,
    bidWindowSeconds: 30,
  },
];
