CREATE TABLE "bid_claims" (
	"order_id" numeric(78, 0) NOT NULL,
	"provider" text NOT NULL,
	"price" numeric(78, 0) NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tx_hash" text,
	CONSTRAINT "bid_claims_order_id_provider_price_pk" PRIMARY KEY("order_id","provider","price")
);
--> statement-breakpoint
CREATE TABLE "lease_deploys" (
	"lease_id" numeric(78, 0) NOT NULL,
	"spec_hash" text NOT NULL,
	"cluster_id" uuid NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone,
	CONSTRAINT "lease_deploys_lease_id_spec_hash_pk" PRIMARY KEY("lease_id","spec_hash")
);
--> statement-breakpoint
CREATE TABLE "lease_status" (
	"lease_id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"status" jsonb NOT NULL,
	"observed_at" timestamp with time zone NOT NULL
);
