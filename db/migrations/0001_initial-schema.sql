-- Up Migration

-- Tenants. `settings` is non-secret configuration, validated by the application's schema;
-- secrets live sealed in tenant_secrets.
CREATE TABLE tenants (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(slug) <= 63),
  name       text NOT NULL,
  settings   jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);

-- AES-256-GCM sealed secrets; key_id says which master key sealed them.
CREATE TABLE tenant_secrets (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name       text NOT NULL,
  ciphertext bytea NOT NULL,
  iv         bytea NOT NULL,
  auth_tag   bytea NOT NULL,
  key_id     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- Opaque per-tenant route tokens in inbound URLs; only their SHA-256 is stored.
CREATE TABLE route_tokens (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connector  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX route_tokens_tenant_connector_idx ON route_tokens (tenant_id, connector);

-- Replay/dedupe record of accepted webhook deliveries.
CREATE TABLE webhook_deliveries (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  webhook_id  text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  workflow_id text,
  PRIMARY KEY (tenant_id, webhook_id)
);

-- Append-only audit trail. No foreign key: the trail outlives the rows it talks about.
CREATE TABLE audit_events (
  id          bigserial PRIMARY KEY,
  tenant_id   uuid,
  workflow_id text,
  type        text NOT NULL,
  actor       text,
  outcome     text,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, id);
CREATE INDEX audit_events_workflow_idx ON audit_events (workflow_id, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- One row per (run, action, field) written to ServiceNow, with the value it replaced so the
-- write can be reverted.
CREATE TABLE write_log (
  id              bigserial PRIMARY KEY,
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  workflow_id     text NOT NULL,
  incident_sys_id text NOT NULL,
  action          text NOT NULL,
  field           text NOT NULL,
  before_value    text,
  after_value     text,
  status          text NOT NULL CHECK (status IN ('applied', 'already_applied', 'skipped_stale', 'shadow')),
  detail          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT write_log_workflow_action_field_key UNIQUE (workflow_id, action, field)
);
CREATE INDEX write_log_tenant_idx ON write_log (tenant_id, id);

-- Down Migration

DROP TABLE write_log;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE webhook_deliveries;
DROP TABLE route_tokens;
DROP TABLE tenant_secrets;
DROP TABLE tenants;
