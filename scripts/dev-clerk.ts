/**
 * `npm run dev:clerk`: the dev-only Clerk stand-in on its own port, for several local processes (two MCP
 * instances behind a proxy, a test runner and a server). Prints the `CLERK_*` settings for the instances as
 * `NAME='value'` lines (shell and .env syntax). PORT (default 4000), HOST (default 127.0.0.1), PUBLIC_URL
 * (default `http://localhost:$PORT`: use the same host name as the instances' PUBLIC_URL, since the session
 * cookie is shared by host, not by port). Refused with NODE_ENV=production. Ctrl-C stops it.
 *
 * Then, e.g.: `CLERK_SECRET_KEY=… CLERK_PUBLISHABLE_KEY=… CLERK_API_URL=… CLERK_JWT_KEY=… CLERK_SIGN_IN_URL=…
 * MCP_SIGNING_KEYS="$(npx clerk-mcp-issuer keys generate)" REDIS_URL=redis://127.0.0.1:6379 PORT=3001 npm start`.
 */
import { DevClerkInProductionError, startStandaloneDevClerk, type StandaloneDevClerk } from '../src/testing/index.js';

const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';

/** Single-quoted for sh and dotenv: nothing inside is expanded. */
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

let standIn: StandaloneDevClerk;
try {
  standIn = await startStandaloneDevClerk({ port, host, publicUrl: process.env.PUBLIC_URL });
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  const message =
    e instanceof DevClerkInProductionError
      ? e.message
      : e.code === 'EADDRINUSE'
        ? `dev:clerk: port ${port} on ${host} is already in use (EADDRINUSE); choose another with PORT=…`
        : `dev:clerk: ${e.message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const users = [...standIn.devClerk.double.users.values()].map((u) => u.email).join(', ');
process.stdout.write(
  [
    '',
    `  Dev Clerk stand-in (DEV-ONLY: anyone can sign in as anyone) at ${standIn.url}`,
    `  Sign-in:     ${standIn.env.CLERK_SIGN_IN_URL}`,
    `  Test users:  ${users}`,
    '',
    '  Settings for each MCP instance (give them the same MCP_SIGNING_KEYS and REDIS_URL too):',
    '',
    ...Object.entries(standIn.env).map(([name, value]) => `${name}=${quote(value)}`),
    '',
    '  Ctrl-C stops.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void standIn.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
