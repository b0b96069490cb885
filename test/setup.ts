import 'reflect-metadata';

// Tests assert on responses, not logs; LOG_LEVEL=debug npm test shows them.
process.env.LOG_LEVEL ??= 'silent';
