ALTER TABLE "clusters" ADD COLUMN "least_privilege" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "risk_accepted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "network_policy" text DEFAULT 'not-verified' NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "cni" text;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "node_local_dns" text;