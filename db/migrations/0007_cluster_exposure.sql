ALTER TABLE "clusters" ADD COLUMN "exposure" jsonb;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "storage_classes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "user_namespaces" boolean DEFAULT false NOT NULL;