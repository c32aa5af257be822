/**
 * A tenant's own app registration with a provider (customer-managed apps), as the admin API
 * accepts it, and how its client secret is found when a flow needs it.
 *
 * A client secret is given either as a value, sealed in the tenant's secrets, or as a reference
 * to where the operator keeps it: an environment variable or a file. The tenant's policy
 * (`credentials.clientSecretStorage`) may require one or the other; exactly one is given.
 *
 * References are confined, because the secret is later sent to a URL the tenant chose: an
 * environment variable must be named GATEHOUSE_TENANT_SECRET_…, and a file must lie inside
 * GATEHOUSE_TENANT_SECRET_DIR. Otherwise a tenant admin could have the process send its own
 * master key, or any file it can read, to their "token endpoint".
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Provider, SecretRef } from '../db/app-registrations-repo';
import type { ClientSecretStorage } from '../policy/policy-document';
import { secretNames } from '../tenancy/tenant-settings';

export const TENANT_SECRET_ENV_PREFIX = 'GATEHOUSE_TENANT_SECRET_';
export const TENANT_SECRET_DIR_ENV = 'GATEHOUSE_TENANT_SECRET_DIR';

/** A secret as an admin hands it over: its value, or where the operator keeps it. */
export const secretInputSchema = z.union([
  z.strictObject({ value: z.string().min(1).max(20_000) }),
  z.strictObject({ env: z.string().regex(new RegExp(`^${TENANT_SECRET_ENV_PREFIX}[A-Z0-9_]+$`), `must be an environment variable named ${TENANT_SECRET_ENV_PREFIX}…`) }),
  z.strictObject({ file: z.string().min(1).max(1000).refine((p) => !p.split(/[\\/]/).includes('..'), 'must not contain ..') }),
]);
export type SecretInput = z.infer<typeof secretInputSchema>;

const registrationBase = { createdBy: z.string().min(1).max(200) };

/** What each provider's registration holds; `clientSecret` (or `privateKey`) may be a reference. */
export const appRegistrationSchemas = {
  servicenow: z.strictObject({
    ...registrationBase,
    clientId: z.string().min(1).max(200),
    clientSecret: secretInputSchema,
    /** client_credentials where the instance allows it, else the authorization code flow. */
    grant: z.enum(['authorization_code', 'client_credentials']).default('authorization_code'),
  }),
  slack: z.strictObject({
    ...registrationBase,
    clientId: z.string().min(1).max(200),
    clientSecret: secretInputSchema,
    appId: z.string().min(1).max(100).optional(),
    /** Kept sealed with the tenant's other Slack secrets: the interactivity endpoint verifies with it. */
    signingSecret: z.string().min(1).max(200).optional(),
  }),
  github: z.strictObject({
    ...registrationBase,
    appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]),
    /** The App's URL slug (github.com/apps/<slug>), for the installation page. */
    slug: z.string().min(1).max(100),
    privateKey: secretInputSchema,
    /** Kept sealed: the webhook endpoint verifies deliveries with it. */
    webhookSecret: z.string().min(1).max(200).optional(),
    /** https://github.com, or GitHub Enterprise Server's https://<host>; where the installation page is. */
    webUrl: z.string().url().default('https://github.com'),
  }),
} as const;
export type AppRegistrationInput<P extends Provider> = z.infer<(typeof appRegistrationSchemas)[P]>;

/** The tenant secret name a sealed client secret (or private key) is stored under. */
export const sealedSecretName: Record<Provider, string> = {
  servicenow: secretNames.serviceNowClientSecret,
  slack: secretNames.slackClientSecret,
  github: secretNames.githubAppPrivateKey,
};

export class ClientSecretError extends Error {
  override readonly name = 'ClientSecretError';
}

/** Why the policy refuses how a secret was given, or undefined when it allows it. */
export function storageRefusal(input: SecretInput, storage: ClientSecretStorage): string | undefined {
  const sealed = 'value' in input;
  if (storage === 'sealed' && !sealed) return 'the tenant policy requires client secrets to be stored sealed (give "value")';
  if (storage === 'reference' && sealed) return 'the tenant policy requires client secrets to be kept by reference (give "env" or "file"), not stored';
  return undefined;
}

/** The reference stored for a secret input (a value becomes a reference to its sealed copy). */
export function secretRefOf(provider: Provider, input: SecretInput): SecretRef {
  if ('value' in input) return { kind: 'sealed', secretName: sealedSecretName[provider] };
  if ('env' in input) return { kind: 'env', variable: input.env };
  return { kind: 'file', path: input.file };
}

/**
 * The secret a reference points at.
 * @param openSealed opens a sealed tenant secret by name.
 * @throws ClientSecretError naming the reference (never the value) when it cannot be read.
 */
export async function resolveSecretRef(ref: SecretRef, openSealed: (name: string) => Promise<string | undefined>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (ref.kind === 'sealed') {
    const value = await openSealed(ref.secretName);
    if (!value) throw new ClientSecretError(`the sealed secret ${ref.secretName} is not stored`);
    return value;
  }
  if (ref.kind === 'env') {
    if (!ref.variable.startsWith(TENANT_SECRET_ENV_PREFIX)) throw new ClientSecretError(`environment variable ${ref.variable} is outside ${TENANT_SECRET_ENV_PREFIX}…`);
    const value = env[ref.variable];
    if (!value) throw new ClientSecretError(`environment variable ${ref.variable} is not set in this process`);
    return value;
  }
  const dir = env[TENANT_SECRET_DIR_ENV];
  if (!dir) throw new ClientSecretError(`file references need ${TENANT_SECRET_DIR_ENV} to name the directory the operator keeps tenant secrets in`);
  const root = await realpath(dir);
  const target = await realpath(path.resolve(root, ref.path)).catch(() => undefined);
  if (!target) throw new ClientSecretError(`secret file ${ref.path} does not exist in ${TENANT_SECRET_DIR_ENV}`);
  if (path.relative(root, target).startsWith('..') || path.isAbsolute(path.relative(root, target))) {
    throw new ClientSecretError(`secret file ${ref.path} lies outside ${TENANT_SECRET_DIR_ENV}`);
  }
  const value = (await readFile(target, 'utf8')).trim();
  if (!value) throw new ClientSecretError(`secret file ${ref.path} is empty`);
  return value;
}
