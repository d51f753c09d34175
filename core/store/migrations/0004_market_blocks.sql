CREATE TABLE `market_blocks` (
	`seq` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`time` integer NOT NULL,
	`last_time` integer NOT NULL,
	`symbol` text NOT NULL,
	`count` integer NOT NULL,
	`payload` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `market_blocks_time` ON `market_blocks` (`time`);--> statement-breakpoint
CREATE INDEX `market_blocks_last_time` ON `market_blocks` (`last_time`);