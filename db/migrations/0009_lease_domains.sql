CREATE TABLE "lease_domains" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lease_domains_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lease_id" numeric(78, 0) NOT NULL,
	"service" text NOT NULL,
	"domain" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"detail" text,
	"checked_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "lease_domains_domain_uq" ON "lease_domains" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "lease_domains_lease_idx" ON "lease_domains" USING btree ("lease_id");