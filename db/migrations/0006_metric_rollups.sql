CREATE TABLE "metric_rollup_cursors" (
	"resolution_s" integer PRIMARY KEY NOT NULL,
	"done_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_rollups" (
	"lease_id" numeric(78, 0) NOT NULL,
	"pod" text NOT NULL,
	"resolution_s" integer NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"samples" integer NOT NULL,
	"cpu_sum" bigint NOT NULL,
	"cpu_max" integer NOT NULL,
	"memory_sum" bigint NOT NULL,
	"memory_max" bigint NOT NULL,
	CONSTRAINT "metric_rollups_lease_id_resolution_s_bucket_start_pod_pk" PRIMARY KEY("lease_id","resolution_s","bucket_start","pod")
);
--> statement-breakpoint
CREATE INDEX "metric_rollups_time_idx" ON "metric_rollups" USING btree ("resolution_s","bucket_start");--> statement-breakpoint
CREATE INDEX "metric_samples_taken_idx" ON "metric_samples" USING btree ("taken_at");