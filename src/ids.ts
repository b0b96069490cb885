import { randomInt } from 'node:crypto';
import { Errors } from './errors';

/** Ids are short and unique within an account (contract section 4). */
export const ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function assertValidId(id: string, field = 'id'): string {
  if (!ID_PATTERN.test(id)) {
    throw Errors.badInput(
      `${field} must be 1 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit`,
      field,
    );
  }
  return id;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A generated id: `prefix-` and 10 random characters (about 51 bits). */
export function generateId(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 10; i++) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `${prefix}-${suffix}`;
}
