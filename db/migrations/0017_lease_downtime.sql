CREATE TABLE "deployer_txs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deployer_txs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sender" text NOT NULL,
	"nonce" integer NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"state" text NOT NULL,
	"tx_hash" text,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lease_downtime" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lease_downtime_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lease_id" numeric(78, 0) NOT NULL,
	"cause" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lease_sla" (
	"lease_id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"attested_at" timestamp with time zone,
	"spec_hash" text,
	"attested_downtime_seconds" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deployer_txs_pending_nonce_idx" ON "deployer_txs" USING btree ("sender","nonce") WHERE "deployer_txs"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "lease_downtime_lease_idx" ON "lease_downtime" USING btree ("lease_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "lease_downtime_open_idx" ON "lease_downtime" USING btree ("lease_id") WHERE "lease_downtime"."ended_at" is null;