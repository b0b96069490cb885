import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FieldNode, type OperationDefinitionNode, type ValueNode } from 'graphql';
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

function literal(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.STRING || node.kind === Kind.ENUM) return node.value;
  if (node.kind === Kind.OBJECT) {
    return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
  }
  return undefined;
}

/** The id a mutation acts on, when it names one: never any other input value. */
function targetOf(field: FieldNode, variables: Record<string, unknown>): string | null {
  const arg = (name: string) => literal(field.arguments?.find((a) => a.name.value === name)?.value, variables);
  const input = arg('input') as Record<string, unknown> | undefined;
  const target = arg('id') ?? arg('deploymentId') ?? input?.id ?? input?.userId ?? input?.serviceAccountId;
  return typeof target === 'string' ? clip(target) : null;
}

/**
 * `deployments.nodes.3.endpointUrl` -> `deployments.nodes.endpointUrl`: where, without
 * row numbers, cut to the column's size (aliases can make a path as long as a caller likes).
 */
const fieldPath = (path: readonly (string | number)[]) => clip(path.filter((p) => typeof p === 'string').join('.'));
const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 197)}...` : text);

function outcomeOf(errors: readonly ResultError[]): Pick<AuditEvent, 'outcome' | 'permission' | 'errorCode'> {
  const error = errors[0];
  if (!error) return { outcome: AuditOutcome.ALLOWED, permission: null, errorCode: null };
  const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const permission = typeof error.extensions?.permission === 'string' ? error.extensions.permission : null;
  return { outcome: code === 'FORBIDDEN' ? AuditOutcome.DENIED : AuditOutcome.FAILED, permission, errorCode: code };
}

/**
 * Records every mutation execution reached (allowed, denied or failed) and every denied field
 * once the response is known. A mutation whose transaction rolled back answered
 * with an error, so it is recorded as FAILED, never as done. Recording happens after
 * the mutation's own transaction: a failure to record is logged and never changes
 * the caller's answer.
 */
export function auditTrail(db: DataSource): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, request, response }) {
          const viewer = contextValue?.viewer;
          if (!viewer || !operation || response.body.kind !== 'single') return;
          const errors: readonly ResultError[] = response.body.singleResult.errors ?? [];
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          const at = new Date();
          const base = {
            accountPk: viewer.account.pk,
            occurredAt: at,
            actorPk: viewer.user.pk,
            actorId: viewer.user.id,
            apiKeyId: viewer.apiKey.id,
          };
          const events: Partial<AuditEvent>[] = [];
          const mutationKeys = new Set<string>();
          if ((operation as OperationDefinitionNode).operation === 'mutation') {
            for (const selection of operation.selectionSet.selections) {
              if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
              const key = selection.alias?.value ?? selection.name.value;
              mutationKeys.add(key);
              // Refused before execution, or after an earlier field's error ended it: it never ran.
              if (!contextValue.mutationsReached.has(key)) continue;
              const own = errors.filter((e) => e.path?.[0] === key && e.path.length === 1);
              events.push({
                ...base,
                operation: selection.name.value,
                target: targetOf(selection, variables),
                ...outcomeOf(own),
              });
            }
          }
          // One event per denied field and permission, not per row: a 100-row list is one denial.
          const denied = new Map<string, ResultError>();
          for (const error of errors) {
            if (error.extensions?.code !== 'FORBIDDEN' || !error.path) continue;
            if (error.path.length === 1 && mutationKeys.has(String(error.path[0]))) continue;
            denied.set(`${fieldPath(error.path)}|${String(error.extensions.permission)}`, error);
          }
          for (const error of denied.values()) {
            events.push({ ...base, operation: fieldPath(error.path!), target: null, ...outcomeOf([error]) });
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
