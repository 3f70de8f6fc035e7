CREATE TABLE "lease_delegates" (
	"tenant" text NOT NULL,
	"delegate" text NOT NULL,
	"lease_id" numeric(78, 0) NOT NULL,
	"allowed" boolean NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "lease_delegates_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "lease_spec_revisions" (
	"lease_id" numeric(78, 0) NOT NULL,
	"revision" integer NOT NULL,
	"spec_hash" text NOT NULL,
	"signer" text NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "lease_spec_revisions_lease_id_revision_pk" PRIMARY KEY("lease_id","revision")
);
--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "spec_hash" text;--> statement-breakpoint
UPDATE "leases" SET "spec_hash" = "orders"."spec_hash" FROM "orders" WHERE "orders"."id" = "leases"."id";--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "spec_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "auto_top_up_amount" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "auto_top_up_cap" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "auto_top_up_min_runway_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "auto_top_up_used" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
CREATE INDEX "lease_delegates_tenant_idx" ON "lease_delegates" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "lease_delegates_delegate_idx" ON "lease_delegates" USING btree ("delegate");--> statement-breakpoint
CREATE UNIQUE INDEX "lease_spec_revisions_log_uq" ON "lease_spec_revisions" USING btree ("tx_hash","log_index");