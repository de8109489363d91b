CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`role` text NOT NULL,
	`name` text NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`credentials` text NOT NULL,
	`base_url` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `counters` (
	`connection_id` text NOT NULL,
	`name` text NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`connection_id`, `name`)
);
--> statement-breakpoint
CREATE TABLE `cursors` (
	`connection_id` text PRIMARY KEY NOT NULL,
	`cursor` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_key` text NOT NULL,
	`destination_connection_id` text NOT NULL,
	`kind` text NOT NULL,
	`vendor_code` text,
	`message` text NOT NULL,
	`body` text,
	`attempts` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `failures_order_destination` ON `failures` (`order_key`,`destination_connection_id`);--> statement-breakpoint
CREATE INDEX `failures_status` ON `failures` (`status`);--> statement-breakpoint
CREATE TABLE `links` (
	`order_key` text NOT NULL,
	`destination_connection_id` text NOT NULL,
	`doc_key` text NOT NULL,
	`doc_kind` text NOT NULL,
	`doc_id` text NOT NULL,
	`external_ref` text NOT NULL,
	`synced_version` integer NOT NULL,
	`total` integer NOT NULL,
	`currency` text NOT NULL,
	`doc_version` text,
	`state` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`order_key`, `destination_connection_id`, `doc_key`)
);
--> statement-breakpoint
CREATE INDEX `links_destination` ON `links` (`destination_connection_id`,`doc_kind`);--> statement-breakpoint
CREATE TABLE `orders` (
	`order_key` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`source` text NOT NULL,
	`source_order_id` text NOT NULL,
	`order_number` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`currency` text NOT NULL,
	`source_version` integer NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`source_updated_at` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_connection_updated` ON `orders` (`connection_id`,`source_updated_at`);--> statement-breakpoint
CREATE INDEX `orders_updated` ON `orders` (`updated_at`);--> statement-breakpoint
CREATE TABLE `quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` text NOT NULL,
	`source` text NOT NULL,
	`topic` text,
	`event_id` text,
	`reason` text NOT NULL,
	`raw` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`resolved` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `quarantine_connection` ON `quarantine` (`connection_id`);--> statement-breakpoint
CREATE TABLE `routes` (
	`source_connection_id` text NOT NULL,
	`destination_connection_id` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`source_connection_id`, `destination_connection_id`),
	FOREIGN KEY (`source_connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`destination_connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`finished_at` text,
	`stats` text DEFAULT '{}' NOT NULL,
	`report` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `stock` (
	`connection_id` text NOT NULL,
	`sku` text NOT NULL,
	`location_id` text NOT NULL,
	`available` text NOT NULL,
	`on_hand` text,
	`source_updated_at` text NOT NULL,
	PRIMARY KEY(`connection_id`, `sku`, `location_id`)
);
