CREATE TABLE "bid_decisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bid_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" numeric(78, 0) NOT NULL,
	"provider" text NOT NULL,
	"action" text NOT NULL,
	"price" numeric(78, 0),
	"reason" text NOT NULL,
	"tx_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bids" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bids_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" numeric(78, 0) NOT NULL,
	"provider" text NOT NULL,
	"price" numeric(78, 0) NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_address" text NOT NULL,
	"name" text NOT NULL,
	"kubeconfig_enc" text NOT NULL,
	"server" text NOT NULL,
	"status" text DEFAULT 'unknown' NOT NULL,
	"last_error" text,
	"last_seen_at" timestamp with time zone,
	"version" text,
	"metrics_api" boolean DEFAULT false NOT NULL,
	"region" text,
	"offer_percent" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indexed_blocks" (
	"name" text NOT NULL,
	"number" bigint NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "indexed_blocks_name_number_pk" PRIMARY KEY("name","number")
);
--> statement-breakpoint
CREATE TABLE "indexer_cursor" (
	"name" text PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_snapshots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inventory_snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cluster_id" uuid NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	"region" text,
	"allocatable" jsonb NOT NULL,
	"free" jsonb NOT NULL,
	"nodes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"order_id" numeric(78, 0) NOT NULL,
	"tenant" text NOT NULL,
	"provider" text NOT NULL,
	"price_per_hour" numeric(78, 0) NOT NULL,
	"deposit" numeric(78, 0) NOT NULL,
	"withdrawn" numeric(78, 0) DEFAULT '0' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"close_reason" text,
	"status" text DEFAULT 'active' NOT NULL,
	"cluster_id" uuid,
	"deploy_state" text DEFAULT 'pending' NOT NULL,
	"deploy_error" text,
	"namespace" text,
	"created_block" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "manifests" (
	"spec_hash" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"body" jsonb NOT NULL,
	"signature" text NOT NULL,
	"order" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "metric_samples_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lease_id" numeric(78, 0) NOT NULL,
	"pod" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"cpu_millis" integer NOT NULL,
	"memory_bytes" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"spec_hash" text NOT NULL,
	"resources" jsonb NOT NULL,
	"required_attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_price_per_hour" numeric(78, 0) NOT NULL,
	"duration_seconds" bigint NOT NULL,
	"deposit" numeric(78, 0) NOT NULL,
	"bid_window_ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"best_price" numeric(78, 0),
	"best_provider" text,
	"bid_count" integer DEFAULT 0 NOT NULL,
	"created_block" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"order_id" numeric(78, 0),
	"lease_id" numeric(78, 0),
	"account" text NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_drafts" (
	"address" text PRIMARY KEY NOT NULL,
	"step" integer DEFAULT 1 NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"address" text PRIMARY KEY NOT NULL,
	"name" text,
	"website" text,
	"contact" text,
	"region" text,
	"pricing" jsonb,
	"bid_strategy" text DEFAULT 'floor' NOT NULL,
	"undercut_step" numeric(78, 0) DEFAULT '1000' NOT NULL,
	"auto_bid" boolean DEFAULT false NOT NULL,
	"registered" boolean DEFAULT false NOT NULL,
	"operator" text,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"registered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"chain_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "siwe_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory_snapshots" ADD CONSTRAINT "inventory_snapshots_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bid_decisions_provider_idx" ON "bid_decisions" USING btree ("provider","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bids_log_uq" ON "bids" USING btree ("tx_hash","log_index");--> statement-breakpoint
CREATE INDEX "bids_order_idx" ON "bids" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "clusters_provider_idx" ON "clusters" USING btree ("provider_address");--> statement-breakpoint
CREATE INDEX "inventory_cluster_taken_idx" ON "inventory_snapshots" USING btree ("cluster_id","taken_at");--> statement-breakpoint
CREATE INDEX "leases_tenant_idx" ON "leases" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "leases_provider_idx" ON "leases" USING btree ("provider");--> statement-breakpoint
CREATE INDEX "metric_samples_lease_idx" ON "metric_samples" USING btree ("lease_id","taken_at");--> statement-breakpoint
CREATE INDEX "orders_tenant_idx" ON "orders" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_log_uq" ON "payments" USING btree ("tx_hash","log_index","kind");--> statement-breakpoint
CREATE INDEX "payments_lease_idx" ON "payments" USING btree ("lease_id");