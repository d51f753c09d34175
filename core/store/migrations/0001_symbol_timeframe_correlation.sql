ALTER TABLE `events` ADD `timeframe` text;--> statement-breakpoint
CREATE INDEX `events_symbol_time` ON `events` (`symbol`,`time`) WHERE "events"."symbol" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `events_correlation` ON `events` (`correlation_id`) WHERE "events"."correlation_id" IS NOT NULL;