import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

// NUL cannot be stored by PostgreSQL, and an unpaired surrogate is not text at all
// (SQLite would store it as invalid UTF-8 and hand back something else).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where in `value` unstorable text hides, walking with a stack of our own: nesting depth cannot overflow ours. */
function findInValue(value: unknown, path: string): string | null {
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length > 0) {
    const [current, at] = pending.pop()!;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) return at;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => pending.push([item, `${at}[${i}]`]));
    } else if (current && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) pending.push([inner, `${at}.${key}`]);
    }
  }
  return null;
}

/** Apollo hands every request with the same text the same parsed document: check each once. */
const checkedDocuments = new WeakMap<DocumentNode, string | null>();

function findInDocument(document: DocumentNode): string | null {
  const known = checkedDocuments.get(document);
  if (known !== undefined) return known;
  let found: string | null = null;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!found && UNSTORABLE.test(node.value)) found = 'a string literal';
    },
  });
  checkedDocuments.set(document, found);
  return found;
}

/** Refuses text no store can keep, whatever field it is meant for: BAD_USER_INPUT, not a driver error. */
export const rejectUnstorableText: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        const where = findInValue(request.variables ?? {}, 'variables') ?? findInDocument(document);
        if (where) {
          throw new GraphQLError(
            `${where} contains a NUL character or an unpaired surrogate, which is not valid text`,
            {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            },
          );
        }
      },
    };
  },
};
