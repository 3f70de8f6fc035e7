CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "relay_gas_usage" (
	"tenant" text NOT NULL,
	"day" text NOT NULL,
	"gas" bigint NOT NULL,
	CONSTRAINT "relay_gas_usage_tenant_day_pk" PRIMARY KEY("tenant","day")
);
--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "api_address" text;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "ca_fingerprint" text;--> statement-breakpoint
CREATE UNIQUE INDEX "clusters_identity_idx" ON "clusters" USING btree ("api_address","ca_fingerprint");