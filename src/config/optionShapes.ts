/**
 * The runtime shape of {@link McpIssuerOptions}: TypeScript checks it at compile time, but plain JavaScript (and
 * `as any`) gets no such help, so `createMcpIssuer` checks it again here. One table, {@link OPTION_SHAPES}: a new
 * option is one line in it. Unknown option names are reported (with the nearest known name), so a misspelling
 * fails at startup instead of being ignored.
 */

/** Checks one value; returns what was expected when it does not fit, or the problems of its members. */
export type Shape = (value: unknown, path: string) => string[];

/** `{ name: shape }`: a section whose members are known; any other member is reported. `undefined` is absent. */
export type Section = Record<string, Shape>;

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;

const leaf =
  (expected: string, test: (value: unknown) => boolean): Shape =>
  (value, path) =>
    test(value) ? [] : [`${path} must be ${expected}, got ${describe(value)}`];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const string = leaf('a string', (v) => typeof v === 'string');
export const boolean = leaf('true or false', (v) => typeof v === 'boolean');
export const fn = leaf('a function', (v) => typeof v === 'function');
export const object = leaf('an object', isObject);
export const positiveInteger = leaf('a positive integer', (v) => Number.isInteger(v) && (v as number) > 0);
export const nonNegativeInteger = leaf('a non-negative integer', (v) => Number.isInteger(v) && (v as number) >= 0);
export const url = leaf('a URL string or URL', (v) => typeof v === 'string' || v instanceof URL);
export const stringArray = leaf('an array of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));

/** An object used as a map from free-form names (e.g. scope names) to values of one shape. */
export function recordOf(shape: Shape, example: string): Shape {
  return (value, path) => {
    if (!isObject(value)) return [`${path} must be an object such as ${example}, got ${describe(value)}`];
    return Object.entries(value).flatMap(([name, member]) => shape(member, `${path}[${JSON.stringify(name)}]`));
  };
}

/** An object with known members: each is checked, an unknown one is reported with the nearest known name. */
export function section(members: Section): Shape {
  return (value, path) => {
    if (!isObject(value)) return [`${path} must be an object, got ${describe(value)}`];
    return checkSection(members, value, `${path}.`);
  };
}

/** The first shape that fits; otherwise the problems of the last alternative, prefixed by the simple ones. */
export function oneOf(expected: string, ...shapes: Shape[]): Shape {
  return (value, path) => {
    let problems: string[] = [];
    for (const shape of shapes) {
      problems = shape(value, path);
      if (problems.length === 0) return [];
    }
    // An object that fits no alternative: say what is wrong inside it rather than "must be …".
    return isObject(value) && problems.some((p) => p.startsWith(`${path}.`)) ? problems : [`${path} must be ${expected}, got ${describe(value)}`];
  };
}

export const literal = (expected: unknown): Shape => leaf(JSON.stringify(expected), (v) => v === expected);

/** Checks every member of `value` against `members`; `prefix` is the dotted path so far (`''` at the top). */
export function checkSection(members: Section, value: Record<string, unknown>, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [name, member] of Object.entries(value)) {
    const shape = Object.hasOwn(members, name) ? members[name] : undefined;
    if (!shape) {
      const near = nearest(name, Object.keys(members));
      problems.push(`unknown option ${prefix}${name}${near ? ` (did you mean ${prefix}${near}?)` : ''}`);
      continue;
    }
    if (member !== undefined) problems.push(...shape(member, `${prefix}${name}`));
  }
  return problems;
}

/** The known name closest to `name` (case-insensitive edit distance ≤ 2, or a case-only difference), if any. */
export function nearest(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.min(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
