-- Up Migration

-- Route-token rotation with an overlap: the tokens a rotation replaces keep working until
-- expires_at, then resolve like unknown ones (db/route-tokens-repo.ts). NULL: no expiry.
ALTER TABLE route_tokens ADD COLUMN expires_at timestamptz;

-- Webhook-secret rotation with an overlap: the secret a rotation replaces is kept, still sealed,
-- as "<name>.previous" and verifies signatures until expires_at (db/webhook-secrets-repo.ts).
-- Ordinary secrets have no expiry (NULL).
ALTER TABLE tenant_secrets ADD COLUMN expires_at timestamptz;

-- Replay protection: the SHA-256 of the body accepted under each webhook id, so a redelivery of
-- the same body (a sender's retry) is told apart from a different body reusing the id.
-- NULL for deliveries recorded before this migration.
ALTER TABLE webhook_deliveries ADD COLUMN body_sha256 text CHECK (body_sha256 ~ '^[0-9a-f]{64}$');

-- The generic custom-webhook connector's per-tenant configuration (which workflow it starts and
-- which payload fields it requires), validated by the API on every write and read.
CREATE TABLE custom_webhook_configs (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  config     jsonb NOT NULL CHECK (jsonb_typeof(config) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE custom_webhook_configs;
ALTER TABLE webhook_deliveries DROP COLUMN body_sha256;
ALTER TABLE tenant_secrets DROP COLUMN expires_at;
ALTER TABLE route_tokens DROP COLUMN expires_at;
