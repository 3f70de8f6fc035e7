CREATE TABLE "chain_events" (
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	"block_hash" text NOT NULL,
	"tx_hash" text NOT NULL,
	"name" text NOT NULL,
	"order_id" numeric(78, 0),
	"provider" text,
	"args" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "chain_events_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "fee_bps" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "chain_events_order_idx" ON "chain_events" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "chain_events_provider_idx" ON "chain_events" USING btree ("provider");