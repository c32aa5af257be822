-- Up Migration

-- How far reconciliation has read each tenant's change feed, per source (e.g. ServiceNow
-- incidents). `watermark` is the source's own change time (ServiceNow sys_updated_on, UTC
-- 'YYYY-MM-DD HH:MM:SS', compared as "C"-collated text, which is chronological for that format);
-- every change before it has been handled. Several changes can share that second, so
-- `handled_ids` lists the ones at exactly the watermark already handled: the next pass reads
-- from the watermark again and must neither redo them nor skip the rest of that second.
-- Only moves forward (db/watermarks-repo.ts owns the SQL).
CREATE TABLE reconcile_watermarks (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  source      text NOT NULL,
  watermark   text COLLATE "C" NOT NULL CHECK (watermark ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'),
  handled_ids text[] NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, source)
);

-- Down Migration
DROP TABLE reconcile_watermarks;
