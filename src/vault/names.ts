import { SecretNameError } from './errors.ts';

/**
 * The longest secret name, in characters: room for any sensible name
 * while keeping names short enough to read in a listing.
 */
export const MAX_NAME_LENGTH = 255;

const RULE = `a name is 1 to ${MAX_NAME_LENGTH} characters, without control characters and without leading or trailing whitespace`;

/**
 * What is wrong with a secret name, or undefined when it is fine.
 *
 * @example
 * nameProblem(' x'); // 'it starts or ends with whitespace'
 */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if ([...name].length > MAX_NAME_LENGTH) {
    return `it is longer than ${MAX_NAME_LENGTH} characters`;
  }
  if (/^\s|\s$/u.test(name)) return 'it starts or ends with whitespace';
  if (/\p{Cc}/u.test(name)) return 'it contains a control character';
  return undefined;
}

/**
 * Throws SecretNameError naming every bad name, before anything is
 * written.
 *
 * @example
 * checkNames(['stripe_key', '']); // throws: invalid secret name ""…
 */
export function checkNames(names: Iterable<string>): void {
  const bad: [string, string][] = [];
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) bad.push([name, problem]);
  }
  if (bad.length > 0) throw new SecretNameError(bad, RULE);
}
