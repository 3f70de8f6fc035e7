ALTER TABLE "keeper_actions" ADD COLUMN "episode" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "keeper_actions" DROP CONSTRAINT "keeper_actions_kind_target_id_pk";--> statement-breakpoint
ALTER TABLE "keeper_actions" ADD CONSTRAINT "keeper_actions_kind_target_id_episode_pk" PRIMARY KEY("kind","target_id","episode");
