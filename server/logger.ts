import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The one logger. Secrets, tokens and raw bodies are never passed to it;
 * the redact list is a second guard for header objects that slip through.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info') {
  return pino({
    level,
    base: { service: 'webhook-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        '*.authorization',
        '*.cookie',
        '*["webhook-signature"]',
        '*.secret',
        '*.token',
      ],
      censor: '[removed]',
    },
  });
}

let root: Logger | undefined;

export function getLogger(): Logger {
  root ??= createLogger();
  return root;
}
