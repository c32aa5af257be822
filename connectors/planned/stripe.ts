/**
 * Planned: Stripe billing. Reading invoices and preparing checkout drafts are allowed; charging
 * and refunding move money and are `blocked_by_default` (they run only after a separate owner
 * approval with a safety review). Scopes are restricted-key permissions.
 */
import { z } from 'zod';
import { defineAction, defineConnector } from '../framework/define-connector';

const scope = {
  invoicesRead: 'invoices:read',
  checkoutWrite: 'checkout_sessions:write',
  refundsWrite: 'refunds:write',
  paymentIntentsWrite: 'payment_intents:write',
} as const;
const customerId = z.string().regex(/^cus_[A-Za-z0-9]+$/);
const currency = z.string().regex(/^[a-z]{3}$/).describe('ISO 4217 code, lowercase');
const amount = z.number().int().positive().describe('In the currency\'s minor unit (cents)');
const idempotencyKey = z.string().min(8).max(255).describe('Sent as Stripe\'s Idempotency-Key header');

/** The planned Stripe connector. */
export const stripeConnector = defineConnector({
  connectorId: 'stripe',
  name: 'Stripe',
  description: 'Reads invoices and prepares checkout sessions for a person to send. Charges and refunds are declared so they can be reviewed, and are blocked by default.',
  category: 'payments_billing',
  version: '0.1.0',
  status: 'planned',
  authType: 'api_key',
  permissionsRequested: ['connector_read', 'connector_write_draft', 'connector_financial_action', 'connector_secret_management'],
  riskLevel: 'blocked_by_default',
  scopes: [scope.invoicesRead, scope.checkoutWrite, scope.refundsWrite, scope.paymentIntentsWrite],
  actions: [
    defineAction({
      actionId: 'stripe.invoices.list',
      name: 'List invoices',
      description: 'GET /v1/invoices, optionally for one customer or status.',
      kind: 'read',
      input: z.strictObject({
        customer: customerId.optional(),
        status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
        limit: z.number().int().min(1).max(100).optional(),
      }),
      output: z.strictObject({
        invoices: z.array(z.strictObject({
          id: z.string().regex(/^in_[A-Za-z0-9]+$/),
          customer: customerId,
          status: z.string(),
          amountDue: z.number().int().nonnegative(),
          currency,
          created: z.number().int().describe('Unix time'),
        })),
        hasMore: z.boolean(),
      }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.invoicesRead],
      idempotency: 'not_applicable',
      sampleInput: { limit: 5 },
    }),
    defineAction({
      actionId: 'stripe.checkout.create_draft',
      name: 'Create checkout draft',
      description: 'POST /v1/checkout/sessions: a payment page for a price, returned to Gatehouse and not sent to anyone. It expires after 24 hours.',
      kind: 'write',
      input: z.strictObject({
        priceId: z.string().regex(/^price_[A-Za-z0-9]+$/),
        quantity: z.number().int().min(1).max(999),
        customer: customerId.optional(),
        successUrl: z.url(),
        cancelUrl: z.url(),
        idempotencyKey,
      }),
      output: z.strictObject({ sessionId: z.string().regex(/^cs_[A-Za-z0-9_]+$/), url: z.string(), expiresAt: z.number().int() }),
      approvalGate: 'artifact_generation',
      riskLevel: 'medium',
      auditRequired: true,
      scopes: [scope.checkoutWrite],
      idempotency: 'required',
      reversal: { reversible: true, procedure: 'Expire the session (POST /v1/checkout/sessions/{id}/expire); an expired session can no longer be paid.' },
    }),
    defineAction({
      actionId: 'stripe.refunds.create',
      name: 'Refund payment',
      description: 'POST /v1/refunds for a payment intent. Moves money: blocked unless separately owner-approved with a safety review.',
      kind: 'write',
      input: z.strictObject({
        paymentIntent: z.string().regex(/^pi_[A-Za-z0-9]+$/),
        amount: amount.optional().describe('Partial refund amount; the whole payment when absent'),
        reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']),
        idempotencyKey,
      }),
      output: z.strictObject({ refundId: z.string().regex(/^re_[A-Za-z0-9]+$/), status: z.string(), amount, currency }),
      approvalGate: 'blocked_by_default',
      riskLevel: 'blocked_by_default',
      effects: ['moves_money'],
      auditRequired: true,
      scopes: [scope.refundsWrite],
      idempotency: 'required',
      reversal: {
        reversible: false,
        procedure: 'A refund cannot be undone. Recovering the money needs a new charge, which is itself blocked by default and owner-approved separately.',
      },
    }),
    defineAction({
      actionId: 'stripe.charges.create',
      name: 'Charge customer',
      description: 'Creates and confirms a PaymentIntent (Stripe\'s current API for charges) on a customer\'s saved payment method. Moves money: blocked unless separately owner-approved with a safety review.',
      kind: 'write',
      input: z.strictObject({
        customer: customerId,
        paymentMethod: z.string().regex(/^pm_[A-Za-z0-9]+$/),
        amount,
        currency,
        description: z.string().min(1).max(500),
        idempotencyKey,
      }),
      output: z.strictObject({ paymentIntentId: z.string().regex(/^pi_[A-Za-z0-9]+$/), status: z.string() }),
      approvalGate: 'blocked_by_default',
      riskLevel: 'blocked_by_default',
      effects: ['moves_money'],
      auditRequired: true,
      scopes: [scope.paymentIntentsWrite],
      idempotency: 'required',
      reversal: {
        reversible: true,
        compensatingActionId: 'stripe.refunds.create',
        procedure: 'Refund the payment in full (itself a blocked financial action needing owner approval); Stripe fees may not be returned.',
      },
    }),
  ],
  healthcheck: {
    actionId: 'stripe.invoices.list',
    description: 'Lists one page of invoices with the restricted key: proves the key is live and has invoices:read.',
  },
  disconnectPolicy: {
    revokeAtProvider: false,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse deletes the restricted API key. Stripe offers no API to revoke a key: the Stripe admin rolls or deletes it in the Dashboard. Nothing is cached.',
  },
  dataRetentionPolicy: {
    retainedData: ['ids and amounts of checkout sessions, refunds and charges Gatehouse created (audit)'],
    retentionDays: null,
    description: 'Invoice data is not stored. The audit record of every financial or draft action is kept for the life of the tenant (financial records may be subject to longer legal retention).',
  },
  implementationFiles: ['connectors/planned/stripe.ts'],
});
