import { TRPCClientError } from '@trpc/client';

/** The tRPC code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`…), or null. */
export function errorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (typeof data === 'object' && data !== null && 'code' in data) {
    const { code } = data as { code: unknown };
    return typeof code === 'string' ? code : null;
  }
  return null;
}

/** The server's sentence for a failure, or a plain one for a network error. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError && errorCode(error) !== null)
    return error.message;
  if (error instanceof Error && /fetch|network/i.test(error.message)) {
    return 'The gateway did not answer: check that it is running and your connection.';
  }
  return error instanceof Error ? error.message : String(error);
}

/** Client errors will not change on a retry; network and server ones might. */
export function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === null || code === 'INTERNAL_SERVER_ERROR' || code === 'TIMEOUT'
  );
}
