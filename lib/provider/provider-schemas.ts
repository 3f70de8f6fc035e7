import { z } from "zod";
import { providerPricingSchema } from "@/lib/market/price-order";

// The provider's profile and bid settings as the wizard, the console and the API validate them
// (shared by browser and server).

export const profileSchema = z.object({
  name: z.string().trim().min(2, "at least 2 characters").max(80),
  website: z
    .string()
    .trim()
    .max(200)
    .refine((v) => v === "" || /^https?:\/\/[^\s]+\.[^\s]+$/.test(v), "must be an http(s):// address")
    .default(""),
  contact: z.string().trim().min(3, "an email or a handle to reach you").max(120),
  region: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,30}$/, "lower-case letters, digits and dashes, e.g. eu-north-1"),
});
export type Profile = z.infer<typeof profileSchema>;

export const bidSettingsSchema = z.object({
  pricing: providerPricingSchema,
  bidStrategy: z.enum(["floor", "undercut"]),
  undercutStep: z.string().regex(/^[0-9]{1,30}$/, "must be a whole number of token base units"),
  autoBid: z.boolean(),
});
export type BidSettings = z.infer<typeof bidSettingsSchema>;
