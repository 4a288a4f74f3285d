/**
 * Clerk JWT-template shortcodes: the `{{user.first_name}}` placeholders in a template's claims, rendered against the
 * user that a token is minted for. Pure: no I/O, no clock.
 *
 * The rules are those of Clerk's JWT-templates guide:
 * - a claim string that is exactly one shortcode takes the value's own JSON type (`{{user.public_metadata}}` is an
 *   object, `{{user.email_verified}}` a boolean);
 * - shortcodes inside a longer string are interpolated and always give a string (a missing value prints as `null`:
 *   "the above full name value would be `null John`"), trimmed as in the guide's complete example;
 * - `{{ a || b || 'literal' }}` gives the first operand that is neither `null` nor `false`, else the last operand;
 *   literals are single-quoted strings, booleans and numbers;
 * - dot paths reach into objects (`{{user.public_metadata.profile.interests}}`); an unknown shortcode is `null`.
 *
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#shortcodes
 */

/** A JSON value as claims hold it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What shortcodes resolve against: `{ user: {...} }`, a plain JSON tree. */
export type ShortcodeContext = Record<string, JsonValue>;

const SHORTCODE = /\{\{(.*?)\}\}/gs;

/**
 * The template's claims with every shortcode replaced; static values pass through unchanged.
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#shortcodes
 */
export function renderClaims(claims: Record<string, unknown>, context: ShortcodeContext): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, renderValue(value, context)]));
}

function renderValue(value: unknown, context: ShortcodeContext): JsonValue {
  if (typeof value === 'string') return renderString(value, context);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, context));
  if (value !== null && typeof value === 'object') return renderClaims(value as Record<string, unknown>, context);
  return value as JsonValue;
}

function renderString(text: string, context: ShortcodeContext): JsonValue {
  const matches = [...text.matchAll(SHORTCODE)];
  if (matches.length === 0) return text;
  if (matches.length === 1 && matches[0][0] === text) return evaluate(matches[0][1], context);
  return text.replace(SHORTCODE, (_, expression: string) => printed(evaluate(expression, context))).trim();
}

function printed(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A `||` chain: the first operand that is not falsy (`null` or `false`), else the last one. */
function evaluate(expression: string, context: ShortcodeContext): JsonValue {
  const operands = splitOperands(expression);
  let value: JsonValue = null;
  for (const operand of operands) {
    value = operandValue(operand, context);
    if (value !== null && value !== false) return value;
  }
  return value;
}

/** Splits on `||` outside single-quoted literals, so `'a || b'` stays one operand. */
function splitOperands(expression: string): string[] {
  const operands: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === "'") quoted = !quoted;
    if (!quoted && char === '|' && expression[i + 1] === '|') {
      operands.push(current.trim());
      current = '';
      i++;
      continue;
    }
    current += char;
  }
  operands.push(current.trim());
  return operands;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function operandValue(operand: string, context: ShortcodeContext): JsonValue {
  if (operand.length >= 2 && operand.startsWith("'") && operand.endsWith("'")) return operand.slice(1, -1);
  if (operand === 'true') return true;
  if (operand === 'false') return false;
  if (NUMBER.test(operand)) return Number(operand);
  return resolvePath(operand, context);
}

function resolvePath(path: string, context: ShortcodeContext): JsonValue {
  let node: JsonValue | undefined = context;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, segment)) return null;
    node = (node as Record<string, JsonValue>)[segment];
  }
  return node ?? null;
}
