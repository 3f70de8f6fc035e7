// POST /api/provider/complete – after on-chain registration: store the provider, its cluster and settings at once.
import { route } from "@/lib/api/handler";
import { completeOnboarding, isRegisteredOnChain } from "@/lib/provider/complete-onboarding";

export const POST = route({ auth: true }, async ({ db, session }) =>
  completeOnboarding({ db, address: session.address, registered: isRegisteredOnChain }),
);
