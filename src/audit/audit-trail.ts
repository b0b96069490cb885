import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { IMiddlewareTypeMap } from 'graphql-middleware';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditEvent, AuditOutcome } from '../entities';
import type { RequestContext } from '../graphql/context';
import { logger } from '../logger';
import { inTransaction } from '../store/store';

interface ResultError {
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Time-ordered ids: base36 milliseconds, then randomness; newest first is descending id. */
export function auditEventId(at: Date): string {
  return `${at.getTime().toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
}

/** The id a mutation acts on, when it names one: never any other input value. */
function targetOf(args: Record<string, unknown>): string | null {
  const input = (args.input ?? {}) as Record<string, unknown>;
  const target = args.id ?? args.deploymentId ?? input.id ?? input.userId ?? input.serviceAccountId;
  return typeof target === 'string' ? clip(target) : null;
}

/**
 * graphql-middleware for every root mutation field, applied outermost (before the
 * authorization wrappers): notes each mutation execution reaches, under its response
 * key, with its arguments as graphql-js coerced them. So aliases, fragments and
 * variables are all seen as execution sees them; a mutation after one whose non-null
 * error ended the operation is never reached, and is never recorded.
 */
export function auditedMutations(schema: GraphQLSchema): IMiddlewareTypeMap<unknown, RequestContext> {
  const mark = (
    resolve: GraphQLFieldResolver<unknown, RequestContext>,
    ...[parent, args, ctx, info]: Parameters<GraphQLFieldResolver<unknown, RequestContext>>
  ) => {
    ctx.executed.mutations.set(String(info.path.key), { operation: info.fieldName, target: targetOf(args) });
    return resolve(parent, args, ctx, info);
  };
  const fields = Object.keys(schema.getMutationType()?.getFields() ?? {});
  return { Mutation: Object.fromEntries(fields.map((field) => [field, mark])) };
}

/** Cut to the column's 200 characters, counting code points so no character is split. */
const clip = (text: string) => {
  const characters = [...text];
  return characters.length > 200 ? `${characters.slice(0, 197).join('')}...` : text;
};

function outcomeOf(errors: readonly ResultError[]): Pick<AuditEvent, 'outcome' | 'permission' | 'errorCode'> {
  const error = errors[0];
  if (!error) return { outcome: AuditOutcome.ALLOWED, permission: null, errorCode: null };
  const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const permission = typeof error.extensions?.permission === 'string' ? error.extensions.permission : null;
  return { outcome: code === 'FORBIDDEN' ? AuditOutcome.DENIED : AuditOutcome.FAILED, permission, errorCode: code };
}

/**
 * Records every mutation execution reached (allowed, denied or failed) and every field
 * a guard denied, once the response is known, from what execution did (the request's
 * `executed` record), never from names the caller chose: a denied field is recorded by
 * its schema coordinate (`Deployment.endpointUrl`), once per request and permission
 * however many rows, so no alias can pass for a mutation. A mutation whose transaction
 * rolled back answered with an error, so it is recorded as FAILED, never as done.
 * Recording happens after the mutation's own transaction: a failure to record is
 * logged and never changes the caller's answer.
 */
export function auditTrail(db: DataSource): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const viewer = contextValue?.viewer;
          if (!viewer || response.body.kind !== 'single') return;
          const errors: readonly ResultError[] = response.body.singleResult.errors ?? [];
          const { mutations, denials } = contextValue.executed;
          const at = new Date();
          const base = {
            accountPk: viewer.account.pk,
            occurredAt: at,
            actorPk: viewer.user.pk,
            actorId: viewer.user.id,
            apiKeyId: viewer.apiKey.id,
          };
          const events: Partial<AuditEvent>[] = [];
          for (const [key, { operation, target }] of mutations) {
            const own = errors.filter((e) => e.path?.length === 1 && e.path[0] === key);
            events.push({ ...base, operation, target, ...outcomeOf(own) });
          }
          for (const { field, permission } of denials.values()) {
            // A denied mutation is its own event above.
            if (field.startsWith('Mutation.')) continue;
            events.push({
              ...base,
              operation: field,
              target: null,
              outcome: AuditOutcome.DENIED,
              permission,
              errorCode: 'FORBIDDEN',
            });
          }
          if (events.length === 0) return;
          try {
            // A transaction of its own: on SQLite's shared connection a bare insert could
            // land inside another request's transaction and vanish with its rollback.
            await inTransaction(db, async (manager) => {
              const repo = manager.getRepository(AuditEvent);
              const rows = events.map((e, i) => repo.create({ ...e, id: auditEventId(new Date(at.getTime() + i)) }));
              // Nothing to read back (ids and times are set here): updateEntity(false) saves a query.
              await manager.createQueryBuilder().insert().into(AuditEvent).values(rows).updateEntity(false).execute();
            });
          } catch (error) {
            logger.error({ err: error, events: events.length }, 'could not record audit events');
          }
        },
      };
    },
  };
}
