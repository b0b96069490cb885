import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key format: `rg_` + 32 random base62 characters (190 bits) + 6 base62
 * characters of CRC-32 over the random part. The prefix lets secret scanners find
 * leaked keys; the checksum lets us refuse a mistyped or forged key without
 * touching the database.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PREFIX = 'rg_';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);
/** How much of a key lists show: recognisable, useless as a credential. */
const VISIBLE_LENGTH = KEY_PREFIX.length + 8;

function base62(value: number, width: number): string {
  let out = '';
  for (let v = value; out.length < width; v = Math.floor(v / 62)) out = ALPHABET[v % 62] + out;
  return out;
}

function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

export function generateApiKeySecret(): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[randomInt(62)];
  return KEY_PREFIX + body + checksum(body);
}

/** Shape and checksum only: true does not mean the key exists. */
export function isWellFormedApiKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const body = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + BODY_LENGTH);
  return key.slice(KEY_PREFIX.length + BODY_LENGTH) === checksum(body);
}

/** Keys carry 190 random bits, so a fast hash is enough; a slow KDF would only slow every request. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_LENGTH);
}
