/**
 * The names a new action gets from `<resource>.<verb>`: its id, file, export and display name.
 * The file name is the id without the connector, in kebab case, so the file is found from the id
 * alone (and two actions never map to one file unless their ids differ only in `.` versus `_`).
 */
import { actionIdPattern, connectorIdPattern } from '../../connectors/framework/manifest-schema';
import { ScaffoldRefusal } from './refusal';

export interface ActionNames {
  /** `<connectorId>.<resource>.<verb>`. */
  actionId: string;
  /** `incident-reopen`: the action file is `<kebab>.ts`. */
  kebab: string;
  /** `incidentReopenAction`: the action file's export, listed in the definition. */
  exportName: string;
  /** `Reopen incident`: a first display name; the developer refines it. */
  displayName: string;
}

/** One segment of an action id: lowercase, starting with a letter, digits and underscores after it. */
const segmentPattern = /^[a-z][a-z0-9_]*$/;

export function checkConnectorId(connectorId: string): void {
  if (!connectorIdPattern.test(connectorId)) {
    throw new ScaffoldRefusal(`"${connectorId}" is not a connector id: lowercase letters, digits and underscores (2-63 characters)`);
  }
}

/** Names for `<resource>.<verb>` of `connectorId`, or a refusal saying what is wrong with it. */
export function actionNames(connectorId: string, name: string): ActionNames {
  const segments = name.split('.');
  if (segments.length < 2 || !segments.every((s) => segmentPattern.test(s))) {
    throw new ScaffoldRefusal(`"${name}" is not <resource>.<verb>: lowercase segments (letters, digits, underscores) joined by dots, e.g. incident.reopen`);
  }
  // A developer who types the full id would otherwise get `servicenow.servicenow.incident.reopen`.
  if (segments[0] === connectorId) {
    throw new ScaffoldRefusal(`"${name}" starts with the connector id: give only <resource>.<verb>, e.g. ${segments.slice(1).join('.')}`);
  }
  const actionId = `${connectorId}.${name}`;
  if (!actionIdPattern.test(actionId)) throw new ScaffoldRefusal(`"${actionId}" is not a valid action id`);

  const words = segments.flatMap((s) => s.split('_'));
  const camel = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  const verb = segments[segments.length - 1]!.split('_');
  const resource = segments.slice(0, -1).join(' ').replaceAll('_', ' ');
  const sentence = verb.length > 1 ? `${verb.join(' ')} (${resource})` : `${verb[0]} ${resource}`;
  return {
    actionId,
    kebab: words.join('-'),
    exportName: `${camel}Action`,
    displayName: sentence.charAt(0).toUpperCase() + sentence.slice(1),
  };
}
