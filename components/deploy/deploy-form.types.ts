import type { IntegrityTermsText } from "@/lib/market/integrity-terms";
import type { ProviderOffer } from "@/lib/market/screen-order";

// What the deploy form's steps share. The manifest's own schema is lib/market/manifest.ts (one
// definition for browser, server and CLI); the terms' arithmetic is lib/market/quote-order-terms.ts.

/** GET /api/market/offers: every provider's clusters and prices, and recent winning prices. */
export interface Offers {
  offers: ProviderOffer[];
  recentPrices: { pricePerHour: string; cpuMillis: number }[];
}

/** The workload card's three views of one draft. */
export const MANIFEST_VIEWS = ["form", "yaml", "json"] as const;
export type ManifestView = (typeof MANIFEST_VIEWS)[number];

/**
 * The terms as typed (text, so a half-typed amount is not lost); null: use the suggestion. The
 * integrity terms (auction format, reveal window, start deadline, minimum reputation) are
 * lib/market/integrity-terms.ts.
 */
export interface TermsText extends IntegrityTermsText {
  durationHours: string;
  bidWindow: string;
  region: string;
  maxPrice: string | null;
  deposit: string | null;
}
