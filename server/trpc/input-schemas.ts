import { z } from 'zod';

import { ROLES } from '../auth/caller';
import { checkPasswordRules } from '../auth/password';
import { type Cursor, decodeCursor, type PageRequest } from '../queries/page';

/** Modula's tenant and branch ids: opaque, 1 to 64 of A-Z a-z 0-9 _ -. */
export const opaqueId = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    'must be 1 to 64 characters of A-Z a-z 0-9 _ -',
  );

export const instant = z.iso.datetime({ offset: true });

export const role = z.enum(ROLES);

/** Every tenant, or a list of them. */
export const tenants = z.union([
  z.literal('all'),
  z
    .array(opaqueId)
    .min(1)
    .max(100)
    .transform((list) => [...new Set(list)]),
]);

/** An operator's note on what they did and why. */
export const note = z.string().trim().min(1).max(2000);

/** Free text looked up exactly: md5, transaction hash, message id, an id. */
export const search = z.string().trim().min(1).max(256).optional();

export const password = z
  .string()
  .max(1024)
  .superRefine((value, ctx) => {
    const problem = checkPasswordRules(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const cursor = z
  .string()
  .max(512)
  .transform((text, ctx): Cursor => {
    const decoded = decodeCursor(text);
    if (decoded === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'is not a cursor a list returned',
      });
      return z.NEVER;
    }
    return decoded;
  });

/** Keyset paging: pass a page's `nextCursor` back for the next one. */
const pageFields = {
  cursor: cursor.optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** Newest first unless told; a cursor belongs to the order that made it. */
  order: z.enum(['desc', 'asc']).default('desc'),
};

/** A time range, `from` inclusive and `to` exclusive. */
const rangeFields = { from: instant.optional(), to: instant.optional() };

/**
 * A list's input: its filters, a time range and paging, all optional, so
 * `{}` (or no input at all) is the first page of everything visible.
 */
export function listInput<T extends Record<string, z.ZodOptional>>(filters: T) {
  const schema = z
    .object({ ...filters, ...rangeFields, ...pageFields })
    .strict();
  // Every field is optional, so `{}` is a valid input; prefault parses it,
  // which fills in the defaults (`limit`) that a plain default would skip.
  return schema.prefault({} as z.input<typeof schema>);
}

/** The paging part of a parsed list input. */
export function pageOf(input: {
  cursor?: Cursor;
  limit: number;
  order: 'asc' | 'desc';
}): PageRequest {
  return { cursor: input.cursor, limit: input.limit, order: input.order };
}

/** `{ id }`, for the procedures that act on or show one row. */
export const byId = z.object({ id: z.uuid() }).strict();
