import { Errors } from '../errors';

// Argument checks shared by services: each throws BAD_USER_INPUT naming the field.

export function optionalText<T extends string | null | undefined>(value: T, field: string, max = 200): T {
  if (value == null) return value;
  if (value.length > max) throw Errors.badInput(`${field} must be at most ${max} characters`, field);
  return value;
}

export function requiredText(value: string | null | undefined, field: string, max = 300): string {
  if (value == null || value.trim() === '') throw Errors.badInput(`${field} is required`, field);
  return optionalText(value, field, max);
}

export function intInRange<T extends number | null | undefined>(value: T, field: string, min: number, max: number): T {
  if (value == null) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw Errors.badInput(`${field} must be an integer from ${min} to ${max}`, field);
  }
  return value;
}

/** A finite number in [min, max], or in (min, max] when `exclusiveMin`. */
export function numberInRange<T extends number | null | undefined>(
  value: T,
  field: string,
  min: number,
  max: number,
  exclusiveMin = false,
): T {
  if (value == null) return value;
  if (!Number.isFinite(value) || value < min || (exclusiveMin && value === min) || value > max) {
    throw Errors.badInput(
      `${field} must be ${exclusiveMin ? 'greater than' : 'at least'} ${min} and at most ${max}`,
      field,
    );
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function email(value: string, field = 'email'): string {
  const normalised = value.trim().toLowerCase();
  if (!EMAIL.test(normalised) || normalised.length > 320)
    throw Errors.badInput(`${field} is not an email address`, field);
  return normalised;
}

/** An absolute URI with one of the given schemes. */
export function uri<T extends string | null | undefined>(value: T, field: string, schemes: readonly string[]): T {
  if (value == null) return value;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw Errors.badInput(`${field} must be an absolute URI`, field);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
    throw Errors.badInput(`${field} must use one of: ${schemes.join(', ')}`, field);
  }
  if (value.length > 2048) throw Errors.badInput(`${field} must be at most 2048 characters`, field);
  return value;
}

export function notNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw Errors.badInput(`${field} cannot be null`, field);
  return value;
}
