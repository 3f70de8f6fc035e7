CREATE TABLE "manifest_secrets" (
	"spec_hash" text NOT NULL,
	"name" text NOT NULL,
	"value_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "manifest_secrets_spec_hash_name_pk" PRIMARY KEY("spec_hash","name")
);
