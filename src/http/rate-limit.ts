import type { ApolloServerPlugin } from '@apollo/server';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Errors } from '../errors';
import type { RequestContext } from '../graphql/context';
import { operationCost } from '../graphql/limits';
import { logger } from '../logger';

export interface RateLimitSettings {
  /** Points (cost) one API key may spend per window. */
  points: number;
  windowSeconds: number;
  /** Failed authentications one client address may make per window. */
  authFailures: number;
  redisUrl?: string;
}

export function rateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const positive = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
    return value;
  };
  return {
    points: positive('ROLEGATE_RATE_LIMIT_POINTS', 100_000),
    windowSeconds: positive('ROLEGATE_RATE_LIMIT_WINDOW_SECONDS', 60),
    authFailures: positive('ROLEGATE_AUTH_FAILURE_LIMIT', 60),
    redisUrl: env.REDIS_URL || undefined,
  };
}

export interface RateLimiters {
  readonly settings: RateLimitSettings;
  readonly cost: RateLimiterAbstract;
  readonly authFailures: RateLimiterAbstract;
  close(): Promise<void>;
}

/** In memory for one instance; with REDIS_URL, shared by every instance through Redis. */
export function createRateLimiters(settings: RateLimitSettings): RateLimiters {
  const memory = (keyPrefix: string, points: number) =>
    new RateLimiterMemory({ keyPrefix, points, duration: settings.windowSeconds });
  if (!settings.redisUrl) {
    return {
      settings,
      cost: memory('cost', settings.points),
      authFailures: memory('auth', settings.authFailures),
      close: async () => undefined,
    };
  }
  const redis = new Redis(settings.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'rate-limit store unavailable; limiting per instance'));
  const shared = (keyPrefix: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rolegate:${keyPrefix}`,
      points,
      duration: settings.windowSeconds,
      // While Redis is down each instance still limits on its own: degraded, never unlimited.
      insuranceLimiter: memory(`${keyPrefix}-insurance`, points),
    });
  return {
    settings,
    cost: shared('cost', settings.points),
    authFailures: shared('auth', settings.authFailures),
    close: async () => {
      redis.disconnect();
    },
  };
}

export function rateLimitHeaders(limit: number, res: RateLimiterRes): Map<string, string> {
  return new Map([
    ['ratelimit-limit', String(limit)],
    ['ratelimit-remaining', String(Math.max(res.remainingPoints, 0))],
    ['ratelimit-reset', String(Math.ceil(res.msBeforeNext / 1000))],
  ]);
}

/** Refusal with Retry-After, or null when the limiter let the request through. */
export async function spend(limiter: RateLimiterAbstract, key: string, points: number, limit: number) {
  try {
    return { ok: true as const, res: await limiter.consume(key, points) };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const headers = rateLimitHeaders(limit, rejection);
    headers.set('retry-after', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
    return { ok: false as const, headers, retryAfter: headers.get('retry-after')! };
  }
}

/** Counts each operation's cost against its API key, before execution. */
export function costRateLimit(limiters: RateLimiters): ApolloServerPlugin<RequestContext> {
  const spent = new WeakMap<object, RateLimiterRes>();
  const limit = limiters.settings.points;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, contextValue }) {
          // Over-limit operations were refused already (see limits.ts); this prices what remains.
          const cost = operationCost(schema, document, request);
          if (cost > limit) {
            throw Errors.rateLimited(
              `this operation costs ${cost}, more than the ${limit} a key may spend per window`,
              new Map(),
            );
          }
          const result = await spend(limiters.cost, contextValue.viewer.apiKey.pk, Math.max(cost, 1), limit);
          if (!result.ok) {
            throw Errors.rateLimited(`rate limit exceeded: retry in ${result.retryAfter} s`, result.headers);
          }
          spent.set(contextValue, result.res);
        },
        async willSendResponse({ contextValue, response }) {
          const res = contextValue && spent.get(contextValue);
          if (res) for (const [name, value] of rateLimitHeaders(limit, res)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
