/** Tenants: identity plus non-secret settings (validated by the application, opaque here). */
import { isPgError, isUuid, type Queryable } from './queryable';
import { notifyTenantChanged } from './tenant-changes';

/** A tenant row. */
export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  /** Non-secret configuration; the application validates it with its own schema. */
  settings: unknown;
  createdAt: Date;
  updatedAt: Date | null;
}

/** A tenant with this slug already exists. */
export class TenantExistsError extends Error {
  override readonly name = 'TenantExistsError';
  readonly code = 'tenant_exists';
  constructor(readonly slug: string) {
    super(`a tenant with slug "${slug}" already exists`);
  }
}

/** The slug is not 1-63 lowercase letters, digits and inner dashes. */
export class InvalidTenantSlugError extends Error {
  override readonly name = 'InvalidTenantSlugError';
  readonly code = 'invalid_slug';
  constructor(readonly slug: string) {
    super('tenant slug must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash');
  }
}

const slugPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** True for a slug the database accepts (same rule as the table's CHECK constraint). */
export function isValidTenantSlug(slug: string): boolean {
  return slug.length <= 63 && slugPattern.test(slug);
}

interface TenantDbRow {
  id: string;
  slug: string;
  name: string;
  settings: unknown;
  created_at: Date;
  updated_at: Date | null;
}

const columns = 'id, slug, name, settings, created_at, updated_at';

function toTenant(row: TenantDbRow): TenantRow {
  return { id: row.id, slug: row.slug, name: row.name, settings: row.settings, createdAt: row.created_at, updatedAt: row.updated_at };
}

function settingsJson(settings: unknown): string {
  // Explicit JSON: pg would send a JS array as a PostgreSQL array literal, not JSON.
  const json = JSON.stringify(settings);
  if (json === undefined) throw new TypeError('tenant settings must be a JSON value');
  return json;
}

/**
 * Creates a tenant.
 * @throws TenantExistsError when the slug is taken; InvalidTenantSlugError when malformed.
 */
export async function createTenant(db: Queryable, input: { slug: string; name: string; settings: unknown }): Promise<TenantRow> {
  if (!isValidTenantSlug(input.slug)) throw new InvalidTenantSlugError(input.slug);
  try {
    const { rows } = await db.query<TenantDbRow>(
      `INSERT INTO tenants (slug, name, settings) VALUES ($1, $2, $3::jsonb) RETURNING ${columns}`,
      [input.slug, input.name, settingsJson(input.settings)],
    );
    return toTenant(rows[0]!);
  } catch (err) {
    if (isPgError(err, '23505', 'tenants_slug_key')) throw new TenantExistsError(input.slug);
    throw err;
  }
}

/** The tenant with this id, or undefined (also for a malformed id). */
export async function getTenantById(db: Queryable, id: string): Promise<TenantRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<TenantDbRow>(`SELECT ${columns} FROM tenants WHERE id = $1`, [id]);
  return rows[0] ? toTenant(rows[0]) : undefined;
}

/** The tenant with this slug, or undefined. */
export async function getTenantBySlug(db: Queryable, slug: string): Promise<TenantRow | undefined> {
  const { rows } = await db.query<TenantDbRow>(`SELECT ${columns} FROM tenants WHERE slug = $1`, [slug]);
  return rows[0] ? toTenant(rows[0]) : undefined;
}

/** All tenants, by slug. */
export async function listTenants(db: Queryable): Promise<TenantRow[]> {
  const { rows } = await db.query<TenantDbRow>(`SELECT ${columns} FROM tenants ORDER BY slug`);
  return rows.map(toTenant);
}

/** Replaces a tenant's settings; returns the updated row, or undefined if there is no such tenant. */
export async function updateTenantSettings(db: Queryable, id: string, settings: unknown): Promise<TenantRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<TenantDbRow>(
    `UPDATE tenants SET settings = $2::jsonb, updated_at = now() WHERE id = $1 RETURNING ${columns}`,
    [id, settingsJson(settings)],
  );
  notifyTenantChanged(id);
  return rows[0] ? toTenant(rows[0]) : undefined;
}
