-- Up Migration

-- The retention job deletes deliveries older than the retention period, oldest first and in
-- batches (db/webhook-deliveries-repo.ts pruneDeliveries): it needs them by age.
CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at);

-- Down Migration

DROP INDEX webhook_deliveries_received_at;
