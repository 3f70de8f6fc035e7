CREATE TABLE "keeper_actions" (
	"kind" text NOT NULL,
	"target_id" numeric(78, 0) NOT NULL,
	"result" text NOT NULL,
	"detail" text,
	"tx_hash" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "keeper_actions_kind_target_id_pk" PRIMARY KEY("kind","target_id")
);
