-- Up Migration

-- An approved install is recorded as checking its health while the healthcheck runs, so the
-- console (which reads only PostgreSQL) can show the install moving from review to enabled.
ALTER TABLE connector_installs DROP CONSTRAINT connector_installs_status_check;
ALTER TABLE connector_installs ADD CONSTRAINT connector_installs_status_check CHECK (status IN (
  'awaiting_authorization', 'pending_review', 'checking_health', 'rejected', 'expired', 'healthcheck_failed', 'enabled', 'held_scope_review', 'disconnected'));

-- Down Migration

UPDATE connector_installs SET status = 'pending_review' WHERE status = 'checking_health';
ALTER TABLE connector_installs DROP CONSTRAINT connector_installs_status_check;
ALTER TABLE connector_installs ADD CONSTRAINT connector_installs_status_check CHECK (status IN (
  'awaiting_authorization', 'pending_review', 'rejected', 'expired', 'healthcheck_failed', 'enabled', 'held_scope_review', 'disconnected'));
