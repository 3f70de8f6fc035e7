import type { ManifestInput } from "@/lib/market/manifest";

// Starting points for the deploy form. Each is a valid manifest (manifest.test-style check in
// templates.test.ts); the tenant edits it in the form or the YAML/JSON editor before signing.

export interface DeployTemplate {
  id: "web" | "jupyter" | "llm" | "postgres" | "blank";
  title: string;
  description: string;
  manifest: ManifestInput;
  /** Suggested lease length and bid window, in seconds. */
  durationSeconds: number;
  bidWindowSeconds: number;
}

export const deployTemplates: DeployTemplate[] = [
  {
    id: "web",
    title: "Web server",
    description: "nginx serving HTTP on port 80. The quickest way to try the market.",
    manifest: {
      name: "web",
      image: "nginx:1.27",
      ports: [{ name: "http", port: 80 }],
      resources: { cpu: 500, memory: 512, storage: 1024 },
      replicas: 1,
    },
    durationSeconds: 3600,
    bidWindowSeconds: 20,
  },
  {
    id: "jupyter",
    title: "Jupyter notebook",
    description: "JupyterLab with the scientific Python stack, on port 8888.",
    manifest: {
      name: "notebook",
      image: "quay.io/jupyter/scipy-notebook:2024-10-07",
      ports: [{ name: "http", port: 8888 }],
      env: [{ name: "JUPYTER_ENABLE_LAB", value: "yes" }],
      resources: { cpu: 2000, memory: 4096, storage: 10240 },
      replicas: 1,
    },
    durationSeconds: 4 * 3600,
    bidWindowSeconds: 60,
  },
  {
    id: "llm",
    title: "GPU LLM inference",
    description: "vLLM serving an open model with an OpenAI-compatible API on one GPU.",
    manifest: {
      name: "llm",
      image: "vllm/vllm-openai:v0.6.3",
      args: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "8192"],
      ports: [{ name: "http", port: 8000 }],
      resources: { cpu: 8000, memory: 32768, storage: 51200, gpu: { count: 1 } },
      replicas: 1,
    },
    durationSeconds: 8 * 3600,
    bidWindowSeconds: 120,
  },
  {
    id: "postgres",
    title: "PostgreSQL",
    description: "A PostgreSQL 16 server on port 5432 (ephemeral storage).",
    manifest: {
      name: "postgres",
      image: "postgres:16",
      env: [
        { name: "POSTGRES_PASSWORD", value: "change-me" },
        { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
      ],
      ports: [{ name: "pg", port: 5432 }],
      resources: { cpu: 1000, memory: 2048, storage: 20480 },
      replicas: 1,
    },
    durationSeconds: 24 * 3600,
    bidWindowSeconds: 60,
  },
  {
    id: "blank",
    title: "Blank",
    description: "Your own image and settings.",
    manifest: {
      name: "app",
      image: "busybox:1.36",
      command: ["sh", "-c", "while true; do date; sleep 5; done"],
      resources: { cpu: 250, memory: 256, storage: 512 },
      replicas: 1,
    },
    durationSeconds: 3600,
    bidWindowSeconds: 30,
  },
];
