/** A request the scaffold will not carry out (bad id, unknown connector, existing action or file): exit 2. */
export class ScaffoldRefusal extends Error {
  override readonly name = 'ScaffoldRefusal';
}
