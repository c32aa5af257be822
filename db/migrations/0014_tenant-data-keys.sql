-- Up Migration

-- Envelope encryption: each tenant's secrets are sealed under the tenant's own data key, and
-- only the data keys are sealed (wrapped) under the master key. Rotating the master key then
-- re-wraps a few keys instead of re-sealing every value, and a data key never leaves a process
-- unwrapped. key_id is a fingerprint of the data key; master_key_id names the key wrapping it.
CREATE TABLE tenant_data_keys (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key_id        text NOT NULL,
  wrapped_key   bytea NOT NULL,
  iv            bytea NOT NULL,
  auth_tag      bytea NOT NULL,
  master_key_id text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key_id)
);

-- Down Migration

DROP TABLE tenant_data_keys;
