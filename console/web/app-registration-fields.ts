/**
 * What the "Your <Provider> app" card asks for and shows, per provider: the shapes the console API
 * answers (api/console/console-app-registration-routes.ts), where the redirect URI is registered at
 * the provider, the form's fields, and the body a filled form sends. The server validates the
 * body with the admin API's schemas (credentials/app-registration.ts); nothing here is a second
 * set of rules, only labels and sentences. Pure: no DOM.
 */
export type Provider = 'servicenow' | 'slack' | 'github';
export const providers: readonly Provider[] = ['servicenow', 'slack', 'github'];
export const isProvider = (id: string): id is Provider => (providers as readonly string[]).includes(id);

/** Where a secret is kept, as the server shows it (never its value). */
export type SecretKept = { kind: 'sealed' } | { kind: 'env'; variable: string } | { kind: 'file'; path: string };
export type SecretStorage = 'either' | 'sealed' | 'reference';

export interface RegistrationView {
  provider: Provider;
  clientId: string;
  settings: Record<string, unknown>;
  secrets: Record<string, SecretKept>;
  createdBy: string;
  updatedAt: string;
}

export interface AppRegistrationAnswer {
  registration: RegistrationView | null;
  /** What the admin registers at the provider. */
  redirectUri: string;
  /** The tenant policy's `credentials.clientSecretStorage`. */
  secretStorage: SecretStorage;
}

/** A box the admin types into; `secret` ones are type=password, never prefilled. */
export interface TextField { name: string; label: string; hint?: string; secret?: boolean; optional?: boolean; initial?: string }
/** A choice between values, each explained in one sentence. */
export interface ChoiceField { name: string; label: string; choices: ReadonlyArray<{ value: string; label: string; sentence: string }> }

export interface ProviderForm {
  title: string;
  /** Where in the provider's settings the redirect URI goes. */
  redirectWhere: string;
  /** The body field holding the secret the policy governs, and how it is labelled. */
  secretField: 'clientSecret' | 'privateKey';
  secretLabel: string;
  /** A private key spans lines: a textarea instead of a password box. */
  secretMultiline: boolean;
  /** The text box the secret's group follows (the provider's own order of its settings page). */
  secretAfter: string;
  texts: readonly TextField[];
  choice?: ChoiceField;
  /** The facts the registered view lists, besides the secret and who saved it. */
  facts: (view: RegistrationView) => Array<[label: string, value: string]>;
}

const setting = (view: RegistrationView, name: string): string => (typeof view.settings[name] === 'string' ? view.settings[name] : '');

const grants = [
  { value: 'authorization_code', label: 'Authorization code', sentence: 'An admin signs in at the instance and consents; Gatehouse then acts with that user’s rights.' },
  { value: 'client_credentials', label: 'Client credentials', sentence: 'No sign-in: the application’s own id and secret obtain the token (only where the instance has the client credentials grant turned on).' },
] as const;

export const providerForms: Record<Provider, ProviderForm> = {
  servicenow: {
    title: 'ServiceNow',
    redirectWhere: 'In your instance, open System OAuth > Application Registry, open the OAuth API endpoint for external clients you made for Gatehouse, and put this in its Redirect URL field.',
    secretField: 'clientSecret', secretLabel: 'Client secret', secretMultiline: false, secretAfter: 'clientId',
    texts: [{ name: 'clientId', label: 'Client ID' }],
    choice: { name: 'grant', label: 'Grant', choices: grants },
    facts: (v) => [['Client ID', v.clientId], ['Grant', grants.find((g) => g.value === setting(v, 'grant'))?.label ?? setting(v, 'grant')]],
  },
  slack: {
    title: 'Slack',
    redirectWhere: 'In your Slack app’s settings (api.slack.com/apps), open OAuth & Permissions and add this under Redirect URLs.',
    secretField: 'clientSecret', secretLabel: 'Client secret', secretMultiline: false, secretAfter: 'clientId',
    texts: [
      { name: 'clientId', label: 'Client ID' },
      { name: 'appId', label: 'App ID', optional: true, hint: 'Optional. Shown under Basic Information > App Credentials.' },
      { name: 'signingSecret', label: 'Signing secret', secret: true, optional: true, hint: 'Optional. Always sealed in Gatehouse: Slack’s button clicks are verified with it.' },
    ],
    facts: (v) => [['Client ID', v.clientId], ['App ID', setting(v, 'appId') || 'not given']],
  },
  github: {
    title: 'GitHub',
    redirectWhere: 'In your GitHub App’s settings, put this in Setup URL (under Post installation) and tick Redirect on update.',
    secretField: 'privateKey', secretLabel: 'Private key', secretMultiline: true, secretAfter: 'slug',
    texts: [
      { name: 'appId', label: 'App ID', hint: 'The number shown on the App’s General page.' },
      { name: 'slug', label: 'App slug', hint: 'The last part of github.com/apps/<slug>.' },
      { name: 'webhookSecret', label: 'Webhook secret', secret: true, optional: true, hint: 'Optional. Always sealed in Gatehouse: webhook deliveries are verified with it.' },
      { name: 'webUrl', label: 'Web URL', initial: 'https://github.com', hint: 'https://github.com, or your GitHub Enterprise Server’s address.' },
    ],
    facts: (v) => [['App ID', v.clientId], ['App slug', setting(v, 'slug')], ['Web URL', setting(v, 'webUrl')]],
  },
};

/** How a secret can be handed over, and which of them the tenant policy allows. */
export type SecretWay = 'value' | 'env' | 'file';
export const secretWays: ReadonlyArray<{ way: SecretWay; label: string; allowedBy: readonly SecretStorage[] }> = [
  { way: 'value', label: 'Seal it in Gatehouse', allowedBy: ['either', 'sealed'] },
  { way: 'env', label: 'Environment variable', allowedBy: ['either', 'reference'] },
  { way: 'file', label: 'File', allowedBy: ['either', 'reference'] },
];
export const allowedWays = (storage: SecretStorage): SecretWay[] => secretWays.filter((w) => w.allowedBy.includes(storage)).map((w) => w.way);

/** Where a secret is kept, as a sentence's end: "sealed in Gatehouse", "environment variable NAME", "file PATH". */
export function keptText(kept: SecretKept | undefined): string {
  if (!kept) return 'not given';
  if (kept.kind === 'sealed') return 'sealed in Gatehouse';
  return kept.kind === 'env' ? `environment variable ${kept.variable}` : `file ${kept.path}`;
}

/** What the form holds when it is sent: every text box by name, the choice, and the secret as given. */
export interface FilledForm { texts: Record<string, string>; choice?: string; way: SecretWay; secret: string }

/** The PUT body: empty optional boxes are left out; who saves it is the server's to know. */
export function registrationBody(form: ProviderForm, filled: FilledForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of form.texts) {
    const value = field.secret ? filled.texts[field.name] ?? '' : (filled.texts[field.name] ?? '').trim();
    if (value !== '' || !field.optional) body[field.name] = value;
  }
  if (form.choice && filled.choice) body[form.choice.name] = filled.choice;
  const secret = filled.way === 'value' ? filled.secret : filled.secret.trim();
  body[form.secretField] = { [filled.way]: secret };
  return body;
}
