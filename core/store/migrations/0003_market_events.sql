CREATE TABLE `market_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`time` integer NOT NULL,
	`type` text NOT NULL,
	`symbol` text,
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `market_events_time` ON `market_events` (`time`);