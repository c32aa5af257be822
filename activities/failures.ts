/**
 * Maps connector errors to Temporal failures: throttling and outages retry (honouring
 * Retry-After through nextRetryDelay); configuration and request errors fail for good with a
 * stable `type` an operator can filter on. Messages never include secrets.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { ErrorCode, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { ActionContractError, UnknownActionError } from '../action-runtime/contract-errors';
import { ConnectorRefusedError } from '../connectors/framework/errors';
import { GitHubApiError } from '../connectors/github/errors';
import { ServiceNowApiError } from '../connectors/servicenow/errors';
import type { ActivityDeps } from './deps';
import { RateLimitedError, rateLimitedFailure } from '../ratelimit';
import { TenantConfigError } from '../tenancy/tenant-context';
import { ConnectionNeedsReauthorizationError } from '../credentials/grant-errors';
import { UnsafeUrlError } from '../tenancy/url-guard';
import { retryableSlackErrors } from '../connectors/transient-retry';

function isSlackError(err: unknown): err is { code: string; data?: { error?: string }; retryAfter?: number; message: string } {
  return typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string'
    && String((err as { code: string }).code).startsWith('slack_');
}

export function toActivityFailure(err: unknown): unknown {
  // A value that breaks an action's contract, or an action nobody declares, stays wrong on retry.
  if (err instanceof ActionContractError) return err.toFailure();
  if (err instanceof UnknownActionError) return ApplicationFailure.create({ type: 'Gatehouse.unknown_action', message: err.message, nonRetryable: true });
  if (err instanceof ConnectorRefusedError) return ApplicationFailure.create({ type: `Gatehouse.connector_${err.code}`, message: err.message, nonRetryable: true });
  if (err instanceof ServiceNowApiError) {
    if (err.retryable) {
      return ApplicationFailure.create({
        type: `ServiceNow.${err.code}`, message: err.message, nonRetryable: false,
        nextRetryDelay: err.retryAfterSeconds !== undefined ? `${err.retryAfterSeconds} seconds` : undefined,
        // A 429 with Retry-After is the provider pacing us: a planned wait, not a failure to log loudly.
        ...(err.code === 'rate_limited' ? { category: ApplicationFailureCategory.BENIGN } : {}),
      });
    }
    return ApplicationFailure.create({ type: `ServiceNow.${err.code}`, message: err.message, nonRetryable: true });
  }
  if (err instanceof RateLimitedError) return rateLimitedFailure(err);
  if (err instanceof GitHubApiError) {
    return ApplicationFailure.create({
      type: `GitHub.${err.code}`, message: err.message, nonRetryable: !err.retryable,
      nextRetryDelay: err.retryable && err.retryAfterSeconds !== undefined ? `${err.retryAfterSeconds} seconds` : undefined,
    });
  }
  // A refused grant needs a person to authorise it again: retrying would only repeat the refusal.
  if (err instanceof ConnectionNeedsReauthorizationError) {
    return ApplicationFailure.create({ type: 'Gatehouse.connection_needs_reauthorization', message: err.message, nonRetryable: true });
  }
  if (err instanceof TenantConfigError || err instanceof UnsafeUrlError) {
    return ApplicationFailure.create({ type: `Gatehouse.${err.code}`, message: err.message, nonRetryable: true });
  }
  if (isSlackError(err)) {
    if (err.code === ErrorCode.RateLimitedError) {
      const retryAfter = (err as unknown as WebAPIRateLimitedError).retryAfter;
      return ApplicationFailure.create({ type: 'Slack.ratelimited', message: 'Slack rate limited the call', nextRetryDelay: `${retryAfter} seconds`, category: ApplicationFailureCategory.BENIGN });
    }
    if (err.code === ErrorCode.PlatformError) {
      const code = (err as unknown as WebAPIPlatformError).data.error;
      return ApplicationFailure.create({ type: `Slack.${code}`, message: `Slack answered ${code}`, nonRetryable: !retryableSlackErrors.has(code) });
    }
    return ApplicationFailure.create({ type: `Slack.${err.code}`, message: 'Slack request failed', nonRetryable: false });
  }
  return err;
}

/** Runs an activity body and converts known errors on the way out. */
export async function withFailureMapping<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/** The verified connector, or a final (non-retryable) failure saying why it was refused. */
export function requireVerified(deps: Pick<ActivityDeps, 'registry'>, connectorId: string) {
  try {
    return deps.registry.get(connectorId);
  } catch (err) {
    if (err instanceof ConnectorRefusedError) {
      throw ApplicationFailure.create({ type: `Gatehouse.connector_${err.code}`, message: err.message, nonRetryable: true });
    }
    throw err;
  }
}
