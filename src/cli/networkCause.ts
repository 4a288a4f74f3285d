/**
 * Why a request to Clerk did not get an answer. `@clerk/backend` reports every network failure as
 * `unexpected_error: fetch failed` and drops the cause, so on such a failure the CLI asks once more itself (one
 * HEAD request, short timeout) and names what Node's fetch says: refused, DNS, TLS, timeout.
 */

const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_|ERR_TLS_|ERR_OSSL_|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)/;

/** A short human account of one fetch failure's cause, with its code. */
export function describeFetchFailure(error: unknown, url: URL): string {
  const err = error as Error & { cause?: Error & { code?: string; hostname?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within the timeout (${url.host})`;
  const cause = err?.cause;
  const code = cause?.code ?? (cause as { errno?: string } | undefined)?.errno;
  // undici refuses the Fetch standard's "bad ports" (9, 25, 6000, …) without a code.
  if (cause?.message === 'bad port') return `port ${url.port} is blocked by fetch (a "bad port" of the Fetch standard); use another port`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (ECONNREFUSED): nothing listens at ${url.host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup of ${url.hostname} failed (${code}): check the host name`;
    case 'ECONNRESET':
      return `connection reset by ${url.host} (ECONNRESET)`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connection to ${url.host} timed out (${code})`;
  }
  // OpenSSL's own message carries its source file and line; its `reason` is the readable part.
  if (code && TLS_CODE.test(code)) return `TLS failure (${code}: ${(cause as { reason?: string }).reason ?? cause?.message}) talking https to ${url.host}`;
  if (code) return `${code}${cause?.message && !cause.message.includes(code) ? ` (${cause.message})` : ''}`;
  return cause?.message ?? err?.message ?? String(error);
}

/**
 * Probes `url` once and describes why it cannot be reached, or `undefined` when it answers now (the failure was
 * transient). Never sends credentials.
 */
export async function networkCause(url: string, timeoutMs = 5000): Promise<string | undefined> {
  const target = new URL(url);
  try {
    const response = await fetch(target, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    return describeFetchFailure(error, target);
  }
}
