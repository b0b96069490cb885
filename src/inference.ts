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

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

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
    const length = Number(response.headers.get('content-length'));
    if (length > MAX_UPSTREAM_BYTES) throw Errors.upstream('the inference upstream answered too much');
    body = await response.text();
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
            promptTokens: numberOrNull(usage.prompt_tokens),
            completionTokens: numberOrNull(usage.completion_tokens),
            totalTokens: numberOrNull(usage.total_tokens),
          }
        : null,
  };
}
