/**
 * The default logger: one line per event on stderr, at or above a level. The kit never passes a token, code,
 * secret or cookie in a message or field; {@link redactFields} is the second line of defence.
 */
import type { Logger } from '../config/options.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Field names whose values are never written, whatever a caller passes. */
const SECRET_FIELD = /token|secret|code|cookie|authorization|password|verifier|assertion|jwt/i;

export function redactFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : v]));
}

export function consoleLogger(level: LogLevel = 'warn', write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  const min = LEVELS.indexOf(level);
  const log = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(at) < min) return;
    const safe = redactFields(fields);
    write(`[clerk-mcp-issuer] ${at} ${message}${safe ? ` ${JSON.stringify(safe)}` : ''}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
