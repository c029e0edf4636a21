import { fail, ok, type Result } from './result';

export const TOLERANCE_SECONDS = 300;

/** Inclusive window both ways: |floor(now) - timestamp| <= 300 passes. */
export function checkTimestamp(
  timestamp: string,
  nowMs: number,
): Result<Date, 'timestamp_out_of_tolerance'> {
  const seconds = Number(timestamp);
  const skew = Math.abs(Math.floor(nowMs / 1000) - seconds);
  if (!Number.isSafeInteger(seconds) || skew > TOLERANCE_SECONDS) {
    return fail('timestamp_out_of_tolerance', `skew ${skew} s`);
  }
  return ok(new Date(seconds * 1000));
}
