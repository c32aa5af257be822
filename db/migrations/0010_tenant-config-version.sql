-- Up Migration

-- A counter that moves whenever anything a process caches about a tenant changes (settings,
-- secrets, policy). Each process keeps tenants' settings and opened credentials in memory and
-- re-reads them when this number moved, so one cheap lookup replaces several per activity.
ALTER TABLE tenants ADD COLUMN config_version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION gatehouse_bump_tenant_version_on_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.settings IS DISTINCT FROM OLD.settings OR NEW.slug IS DISTINCT FROM OLD.slug THEN
    NEW.config_version := OLD.config_version + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tenants_config_version BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_tenant_version_on_settings();

CREATE FUNCTION gatehouse_bump_tenant_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tenants SET config_version = config_version + 1
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_secrets_config_version AFTER INSERT OR UPDATE OR DELETE ON tenant_secrets
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_tenant_version();
CREATE TRIGGER tenant_policies_config_version AFTER INSERT OR UPDATE OR DELETE ON tenant_policies
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_tenant_version();

-- Down Migration

DROP TRIGGER tenant_policies_config_version ON tenant_policies;
DROP TRIGGER tenant_secrets_config_version ON tenant_secrets;
DROP FUNCTION gatehouse_bump_tenant_version();
DROP TRIGGER tenants_config_version ON tenants;
DROP FUNCTION gatehouse_bump_tenant_version_on_settings();
ALTER TABLE tenants DROP COLUMN config_version;
