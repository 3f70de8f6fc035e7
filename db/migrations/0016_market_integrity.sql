CREATE TABLE "bid_secrets" (
	"order_id" numeric(78, 0) NOT NULL,
	"provider" text NOT NULL,
	"price" numeric(78, 0) NOT NULL,
	"salt" text NOT NULL,
	"commitment" text NOT NULL,
	"cluster_id" uuid,
	"commit_tx_hash" text,
	"committed_at" timestamp with time zone,
	"reveal_tx_hash" text,
	"revealed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bid_secrets_order_id_provider_pk" PRIMARY KEY("order_id","provider")
);
--> statement-breakpoint
CREATE TABLE "bond_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bond_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"provider" text NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"total" numeric(78, 0),
	"unbond_at" timestamp with time zone,
	"order_id" numeric(78, 0),
	"recipient" text,
	"reason" text,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_uptime" (
	"cluster_id" uuid NOT NULL,
	"day" text NOT NULL,
	"up_checks" integer DEFAULT 0 NOT NULL,
	"down_checks" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cluster_uptime_cluster_id_day_pk" PRIMARY KEY("cluster_id","day")
);
--> statement-breakpoint
CREATE TABLE "downtime_refunds" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "downtime_refunds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lease_id" numeric(78, 0) NOT NULL,
	"provider" text NOT NULL,
	"seconds" integer NOT NULL,
	"from_earnings" numeric(78, 0) NOT NULL,
	"from_bond" numeric(78, 0) NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_bond_snapshots" (
	"provider" text NOT NULL,
	"block_number" bigint NOT NULL,
	"total" numeric(78, 0) NOT NULL,
	"locked" numeric(78, 0) NOT NULL,
	"unbonding" numeric(78, 0) NOT NULL,
	"unbond_at" timestamp with time zone,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "provider_bond_snapshots_provider_block_number_pk" PRIMARY KEY("provider","block_number")
);
--> statement-breakpoint
CREATE TABLE "reputation_attestations" (
	"provider" text NOT NULL,
	"score" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "reputation_attestations_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "sealed_bids" (
	"order_id" numeric(78, 0) NOT NULL,
	"provider" text NOT NULL,
	"kind" text NOT NULL,
	"bidder" text,
	"price" numeric(78, 0),
	"amount" numeric(78, 0),
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "sealed_bids_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "closed_by" text;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "attested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "start_deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "attested_spec_hash" text;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "downtime_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "sla_refunded" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "unstarted_refund" numeric(78, 0);--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "unstarted_slash" numeric(78, 0);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "start_deadline_seconds" integer DEFAULT 600 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "auction_format" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "reveal_window_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "min_reputation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "commit_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "reveal_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "second_price" numeric(78, 0);--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "reputation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "reputation_attested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cluster_uptime" ADD CONSTRAINT "cluster_uptime_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bond_events_log_uq" ON "bond_events" USING btree ("tx_hash","log_index");--> statement-breakpoint
CREATE INDEX "bond_events_provider_idx" ON "bond_events" USING btree ("provider","block_number");--> statement-breakpoint
CREATE UNIQUE INDEX "downtime_refunds_log_uq" ON "downtime_refunds" USING btree ("tx_hash","log_index");--> statement-breakpoint
CREATE INDEX "downtime_refunds_lease_idx" ON "downtime_refunds" USING btree ("lease_id");--> statement-breakpoint
CREATE INDEX "downtime_refunds_provider_idx" ON "downtime_refunds" USING btree ("provider");--> statement-breakpoint
CREATE INDEX "reputation_attestations_provider_idx" ON "reputation_attestations" USING btree ("provider");--> statement-breakpoint
CREATE INDEX "sealed_bids_order_idx" ON "sealed_bids" USING btree ("order_id","provider");