-- Up Migration

-- When the grant was last authorised (a new grant, or a tenant admin authorising again). Each
-- process keeps the access token it holds until it nears expiry; a re-authorisation must make
-- them drop it, so it moves the tenant's config_version like a change of status does (a refresh,
-- every half hour, still does not).
ALTER TABLE connector_grants ADD COLUMN authorized_at timestamptz NOT NULL DEFAULT now();

CREATE OR REPLACE FUNCTION gatehouse_bump_tenant_version_on_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.grant_type IS NOT DISTINCT FROM OLD.grant_type
     AND NEW.authorized_at IS NOT DISTINCT FROM OLD.authorized_at THEN
    RETURN NULL;
  END IF;
  UPDATE tenants SET config_version = config_version + 1
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
  RETURN NULL;
END $$;

-- Down Migration

CREATE OR REPLACE FUNCTION gatehouse_bump_tenant_version_on_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.grant_type IS NOT DISTINCT FROM OLD.grant_type THEN
    RETURN NULL;
  END IF;
  UPDATE tenants SET config_version = config_version + 1
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
  RETURN NULL;
END $$;
ALTER TABLE connector_grants DROP COLUMN authorized_at;
