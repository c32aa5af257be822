-- Up Migration

-- One row per tenant and connector: where its installation stands and what it may do.
-- Credentials are not here: they are sealed in tenant_secrets and referenced by name.
CREATE TABLE connector_installs (
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connector_id     text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending_review', 'rejected', 'expired', 'healthcheck_failed', 'enabled', 'disconnected')),
  manifest_version text NOT NULL,
  config           jsonb NOT NULL DEFAULT '{}'::jsonb,
  credential_names text[] NOT NULL DEFAULT '{}',
  enabled_actions  text[] NOT NULL DEFAULT '{}',
  requested_by     text,
  reviewed_by      text,
  workflow_id      text,
  detail           jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connector_id)
);

-- Down Migration
DROP TABLE connector_installs;
