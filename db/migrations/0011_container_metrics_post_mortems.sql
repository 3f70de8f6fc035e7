CREATE TABLE "lease_post_mortems" (
	"lease_id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"reachable" boolean NOT NULL,
	"body" jsonb NOT NULL,
	"captured_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "container" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_samples" ADD COLUMN "container" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP CONSTRAINT "metric_rollups_lease_id_resolution_s_bucket_start_pod_pk";--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_lease_id_resolution_s_bucket_start_pod_container_pk" PRIMARY KEY("lease_id","resolution_s","bucket_start","pod","container");
