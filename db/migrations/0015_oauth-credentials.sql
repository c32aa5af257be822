-- Up Migration

-- A tenant's own app registration with a provider (customer-managed apps): its ServiceNow OAuth
-- application, Slack app or GitHub App. Non-secret facts live in `settings`; each secret of the
-- registration (client secret, signing secret, private key, webhook secret) is either sealed in
-- tenant_secrets or a reference to where the operator keeps it, as `secret_refs` records.
CREATE TABLE app_registrations (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  provider    text NOT NULL CHECK (provider IN ('servicenow', 'slack', 'github')),
  client_id   text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret_refs jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider)
);

-- One authorization in progress. Only a hash of `state` is kept (the value travels in the
-- provider's redirect) and only a hash of the browser binding (the value lives in the admin's
-- HttpOnly cookie), so a copy of this table cannot complete anyone's flow.
CREATE TABLE oauth_states (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Hash of the one-time start ticket the admin API handed out.
  ticket_hash   bytea NOT NULL UNIQUE,
  -- Set when a browser opens the ticket: the state sent to the provider, and that browser's binding.
  state_hash    bytea UNIQUE,
  binding_hash  bytea,
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connector_id  text NOT NULL,
  started_by    text NOT NULL,
  redirect_uri  text NOT NULL,
  install       jsonb NOT NULL DEFAULT '{}'::jsonb,
  expires_at    timestamptz NOT NULL,
  began_at      timestamptz,
  completed_at  timestamptz,
  outcome       text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);

-- Tokens a provider issued for a tenant's connector, sealed under the tenant's data key (values
-- are iv || tag || ciphertext), and what refreshing them coordinates on:
--  * generation moves with every stored refresh, so a process that saw generation N and finds
--    N+1 takes the stored token instead of refreshing again;
--  * the lease (owner, until) lets one process refresh while the others wait, across workers;
--    a lease left by a crashed process simply runs out.
CREATE TABLE connector_grants (
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connector_id       text NOT NULL,
  grant_type         text NOT NULL CHECK (grant_type IN ('authorization_code', 'client_credentials')),
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauthorization')),
  key_id             text NOT NULL,
  access_sealed      bytea NOT NULL,
  refresh_sealed     bytea,
  access_expires_at  timestamptz,
  granted_scopes     text[] NOT NULL DEFAULT '{}',
  generation         integer NOT NULL DEFAULT 1,
  lease_owner        text,
  lease_until        timestamptz,
  reauth_reason      text,
  refreshed_at       timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connector_id)
);

-- Processes cache a tenant's connector clients per config_version: a grant appearing, going,
-- or changing status (needs re-authorisation, re-authorised) must make them reopen. A refresh
-- (new tokens, same status) must not: it happens every half hour and only the grant row moves.
CREATE FUNCTION gatehouse_bump_tenant_version_on_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.grant_type IS NOT DISTINCT FROM OLD.grant_type THEN
    RETURN NULL;
  END IF;
  UPDATE tenants SET config_version = config_version + 1
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
  RETURN NULL;
END $$;
CREATE TRIGGER connector_grants_config_version AFTER INSERT OR UPDATE OR DELETE ON connector_grants
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_tenant_version_on_grant();
CREATE TRIGGER app_registrations_config_version AFTER INSERT OR UPDATE OR DELETE ON app_registrations
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_tenant_version();

-- An install waits for the provider's consent (awaiting_authorization), or an enabled one whose
-- provider granted more than the manifest declares waits for an admin to accept it
-- (held_scope_review): least privilege is something a person agrees to, not a default.
ALTER TABLE connector_installs DROP CONSTRAINT connector_installs_status_check;
ALTER TABLE connector_installs ADD CONSTRAINT connector_installs_status_check CHECK (status IN (
  'awaiting_authorization', 'pending_review', 'rejected', 'expired', 'healthcheck_failed', 'enabled', 'held_scope_review', 'disconnected'));

-- Down Migration

ALTER TABLE connector_installs DROP CONSTRAINT connector_installs_status_check;
ALTER TABLE connector_installs ADD CONSTRAINT connector_installs_status_check CHECK (status IN (
  'pending_review', 'rejected', 'expired', 'healthcheck_failed', 'enabled', 'disconnected'));

DROP TRIGGER app_registrations_config_version ON app_registrations;
DROP TRIGGER connector_grants_config_version ON connector_grants;
DROP FUNCTION gatehouse_bump_tenant_version_on_grant();
DROP TABLE connector_grants;
DROP TABLE oauth_states;
DROP TABLE app_registrations;
