import { Errors } from './errors';
import { logger } from './logger';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface CompletionRequest {
  endpointUrl: string;
  upstreamApiKey: string | null;
  model: string;
  messages: ChatMessage[];
  maxTokens?: number | null;
  temperature?: number | null;
}

export interface Completion {
  text: string;
  finishReason: string | null;
  usage: { promptTokens: number | null; completionTokens: number | null; totalTokens: number | null } | null;
}

export const DEFAULT_INFERENCE_TIMEOUT_MS = 30_000;
/** An upstream answer larger than this is refused rather than buffered. */
const MAX_UPSTREAM_BYTES = 4 * 1024 * 1024;

function inferenceTimeoutMs(): number {
  const value = Number(process.env.ROLEGATE_INFERENCE_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_INFERENCE_TIMEOUT_MS;
}

/** A token count as GraphQL's Int can carry it (32-bit, whole), or null: an upstream's odd number is not our error. */
const tokenCount = (v: unknown) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31 - 1 ? (v as number) : null;

/** Reads at most `limit` bytes of the body, whatever Content-Length claimed. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) throw Errors.upstream('the inference upstream answered too much');
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw Errors.upstream('the inference upstream answered too much');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POST {endpointUrl}/chat/completions, OpenAI-compatible. Every failure becomes
 * UPSTREAM_ERROR with a message of our own: the upstream's body and the
 * credential never reach the caller.
 */
export async function chatCompletion(request: CompletionRequest): Promise<Completion> {
  const url = `${request.endpointUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeoutMs = inferenceTimeoutMs();
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let body: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      redirect: 'error',
      signal,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(request.upstreamApiKey && { authorization: `Bearer ${request.upstreamApiKey}` }),
      },
      body: JSON.stringify({
        model: request.model,
        messages: request.messages,
        ...(request.maxTokens != null && { max_tokens: request.maxTokens }),
        ...(request.temperature != null && { temperature: request.temperature }),
      }),
    });
    body = await readCapped(response, MAX_UPSTREAM_BYTES);
  } catch (error) {
    if (signal.aborted) {
      throw Errors.upstream(`the inference upstream did not answer within ${timeoutMs} ms`);
    }
    if (error instanceof Error && 'extensions' in error) throw error;
    logger.warn({ err: (error as Error)?.message }, 'inference upstream unreachable');
    throw Errors.upstream('the inference upstream could not be reached');
  }
  if (!response.ok) throw Errors.upstream(`the inference upstream answered HTTP ${response.status}`);

  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw Errors.upstream('the inference upstream answered with invalid JSON');
  }
  const choice = parsed?.choices?.[0];
  const text = choice?.message?.content ?? choice?.text;
  if (typeof text !== 'string') throw Errors.upstream('the inference upstream answered without a completion');
  const usage = parsed.usage;
  return {
    text,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage:
      usage && typeof usage === 'object'
        ? {
            promptTokens: tokenCount(usage.prompt_tokens),
            completionTokens: tokenCount(usage.completion_tokens),
            totalTokens: tokenCount(usage.total_tokens),
          }
        : null,
  };
}
