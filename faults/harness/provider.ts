import { signedHeaders } from '../../server/providers/bakong/make-confirmation';
import { KEY_1 } from '../../test/secrets';
import { sleep } from './processes';

/** One message as a provider holds it: its id and body never change. */
export type Message = {
  messageId: string;
  body: string;
  /** What the books group answers by: the payment's transaction hash. */
  paymentKey: string;
  /** Sign once with this timestamp instead of the clock (first try only). */
  firstTimestampSeconds?: number;
};

export type Answer = {
  try: number;
  /** 0 when there was no HTTP answer (refused, reset, timed out). */
  status: number;
  retryAfter: string | null;
  /** The gateway's `x-request-id`, which its delivery row keeps. */
  requestId: string | null;
  json: Record<string, unknown> | null;
  error: string | null;
  sentAt: number;
  ms: number;
};

export type Outcome = {
  message: Message;
  answers: Answer[];
  /** The 2xx answer, when one came within the client's bounds. */
  acknowledged: Answer | null;
};

export type RetryPolicy = {
  /** Tries per message, the first included. */
  maxTries: number;
  /** A message is given up after this long, however many tries are left. */
  giveUpAfterMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long the provider waits for one answer. */
  timeoutMs: number;
};

export const DEFAULT_POLICY: RetryPolicy = {
  maxTries: 30,
  giveUpAfterMs: 90_000,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  timeoutMs: 15_000,
};

/**
 * Delivers one message the way a Standard Webhooks sender does: the same
 * id every time, signed afresh with the current timestamp on each try,
 * retried on anything but a 2xx with exponential backoff and jitter.
 * `Retry-After` is honoured up to the policy's cap, so the suite stays
 * short. Every answer is recorded.
 */
export async function deliver(
  baseUrl: string,
  message: Message,
  policy: RetryPolicy = DEFAULT_POLICY,
  key: Buffer = KEY_1,
): Promise<Outcome> {
  const answers: Answer[] = [];
  const started = Date.now();
  for (let attempt = 1; attempt <= policy.maxTries; attempt += 1) {
    const answer = await postOnce(
      baseUrl,
      message,
      attempt,
      policy.timeoutMs,
      key,
    );
    answers.push(answer);
    if (answer.status >= 200 && answer.status < 300) {
      return { message, answers, acknowledged: answer };
    }
    const elapsed = Date.now() - started;
    if (attempt === policy.maxTries || elapsed >= policy.giveUpAfterMs) break;
    const backoff = Math.min(
      policy.maxDelayMs,
      policy.baseDelayMs * 2 ** (attempt - 1),
    );
    const hinted = answer.retryAfter ? Number(answer.retryAfter) * 1000 : 0;
    const wait = Math.min(policy.maxDelayMs, Math.max(backoff, hinted));
    await sleep(wait * (0.5 + Math.random() / 2));
  }
  return { message, answers, acknowledged: null };
}

async function postOnce(
  baseUrl: string,
  message: Message,
  attempt: number,
  timeoutMs: number,
  key: Buffer,
): Promise<Answer> {
  const headers = signedHeaders({
    body: message.body,
    key,
    messageId: message.messageId,
    timestampSeconds: attempt === 1 ? message.firstTimestampSeconds : undefined,
  });
  const sentAt = Date.now();
  try {
    const response = await fetch(`${baseUrl}/api/webhooks/bakong`, {
      method: 'POST',
      headers,
      body: message.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    return {
      try: attempt,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      requestId: response.headers.get('x-request-id'),
      json,
      error: null,
      sentAt,
      ms: Date.now() - sentAt,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      try: attempt,
      status: 0,
      retryAfter: null,
      requestId: null,
      json: null,
      error: cause ?? (error instanceof Error ? error.name : String(error)),
      sentAt,
      ms: Date.now() - sentAt,
    };
  }
}

/**
 * `clients` concurrent senders sharing one queue of messages, as a relay
 * with that many outgoing connections would. Stops taking new messages
 * once `stop()` says so (messages already taken finish their retries).
 */
export function runClients(
  baseUrl: string,
  messages: readonly Message[],
  options: {
    clients: number;
    policy?: RetryPolicy;
    key?: Buffer;
    /** Pause between one client's messages, to spread the load over time. */
    paceMs?: number;
  },
) {
  const outcomes: Outcome[] = [];
  let next = 0;
  let stopped = false;
  const one = async () => {
    while (!stopped && next < messages.length) {
      const message = messages[next++]!;
      outcomes.push(
        await deliver(baseUrl, message, options.policy, options.key),
      );
      if (options.paceMs) await sleep(options.paceMs);
    }
  };
  const done = Promise.all(Array.from({ length: options.clients }, one)).then(
    () => outcomes,
  );
  return {
    done,
    outcomes,
    acknowledgedSoFar: () => outcomes.filter((o) => o.acknowledged).length,
    stop: () => {
      stopped = true;
    },
  };
}

export type Tally = {
  messages: number;
  requests: number;
  acknowledged: number;
  answered2xx: number;
  answered503: number;
  noAnswer: number;
  retries: number;
  otherStatuses: Record<string, number>;
  givenUp: number;
  maxAnswerMs: number;
};

/** What the clients saw, in numbers. */
export function tally(outcomes: readonly Outcome[]): Tally {
  const answers = outcomes.flatMap((o) => o.answers);
  const other: Record<string, number> = {};
  for (const a of answers) {
    if (
      a.status === 0 ||
      a.status === 503 ||
      (a.status >= 200 && a.status < 300)
    )
      continue;
    other[a.status] = (other[a.status] ?? 0) + 1;
  }
  return {
    messages: outcomes.length,
    requests: answers.length,
    acknowledged: outcomes.filter((o) => o.acknowledged).length,
    answered2xx: answers.filter((a) => a.status >= 200 && a.status < 300)
      .length,
    answered503: answers.filter((a) => a.status === 503).length,
    noAnswer: answers.filter((a) => a.status === 0).length,
    retries: answers.length - outcomes.length,
    otherStatuses: other,
    givenUp: outcomes.filter((o) => !o.acknowledged).length,
    maxAnswerMs: answers.reduce((max, a) => Math.max(max, a.ms), 0),
  };
}
