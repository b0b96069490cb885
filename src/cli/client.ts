/**
 * The client commands' way to the API: GraphQL over HTTP with an API key. Every
 * failure becomes a CliError with a code, which main prints as `CODE: message`.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_SERVER = 'http://localhost:4000/graphql';

export interface Connection {
  apiKey?: string;
  server?: string;
}

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

function serverUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError('BAD_URL', `"${server}" is not a URL; expected something like ${DEFAULT_SERVER}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('BAD_URL', `"${server}" is not an http(s) URL; expected something like ${DEFAULT_SERVER}`);
  }
  return url;
}

export class ApiClient {
  private readonly url: URL;
  private readonly apiKey: string;

  constructor({ apiKey, server }: Connection) {
    this.url = serverUrl(server || DEFAULT_SERVER);
    if (!apiKey) throw new CliError('MISSING_API_KEY', 'no API key: pass --api-key or set ROLEGATE_API_KEY');
    // Checked here so that a pasted key with a newline or stray characters is never echoed by an HTTP error.
    if (!/^[\x21-\x7e]+$/.test(apiKey)) {
      throw new CliError('BAD_API_KEY', 'the API key contains spaces, line breaks or other characters no key has');
    }
    this.apiKey = apiKey;
  }

  /** The URL without any user:password in it, for messages. */
  private get shownUrl(): string {
    return `${this.url.origin}${this.url.pathname}`;
  }

  /** Runs one operation and returns its root field; a null root field fails with the first error. */
  async call<T>(field: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await this.post(query, variables);
    const value = data?.[field];
    if (value === null || value === undefined) {
      const first = errors?.[0];
      throw new CliError(first?.extensions?.code ?? 'ERROR', first?.message ?? 'the server returned no data');
    }
    // A field the caller may not see comes back null with an error at its path: the rest is
    // still the answer (exit 0), and stderr says what was withheld, once per field.
    const notes = new Set(
      (errors ?? []).map((e) => {
        const path = (e.path ?? []).filter((p) => typeof p === 'string').join('.');
        return `note: ${path} withheld: ${e.extensions?.code ?? 'ERROR'}: ${e.message}\n`;
      }),
    );
    for (const note of notes) process.stderr.write(note);
    return value as T;
  }

  private async post(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${this.apiKey}`,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      // Only the cause's code: messages can quote request headers, and so the key.
      const cause = (error as { cause?: { code?: string }; name?: string }).cause;
      const why = cause?.code ?? ((error as Error).name === 'TimeoutError' ? 'timed out' : 'no answer');
      throw new CliError('UNAVAILABLE', `cannot reach the Rolegate server at ${this.shownUrl} (${why})`);
    }
    let body: GraphQLResponse;
    try {
      body = (await response.json()) as GraphQLResponse;
    } catch {
      body = {};
    }
    if (!body || (body.data === undefined && !Array.isArray(body.errors))) {
      throw new CliError(
        'BAD_URL',
        `${this.shownUrl} answered HTTP ${response.status} and is not a Rolegate GraphQL endpoint (the path is usually /graphql)`,
      );
    }
    if (response.status === 404 && body.errors?.[0]?.extensions?.code === 'NOT_FOUND' && body.data === undefined) {
      throw new CliError('BAD_URL', `${this.shownUrl}: ${body.errors[0].message}`);
    }
    return body;
  }
}
