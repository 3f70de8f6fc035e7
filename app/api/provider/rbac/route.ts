// GET /api/provider/rbac – the least-privilege RBAC manifest and the commands that turn it into a kubeconfig.
import { route } from "@/lib/api/handler";
import { generateRbacManifest } from "@/lib/k8s/rbac-manifest";

export const GET = route({}, async () => {
  const { yaml, commands } = generateRbacManifest();
  return { yaml, commands };
});
