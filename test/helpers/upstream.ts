import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamRequest {
  path: string;
  authorization: string | undefined;
  body: any;
}

export type UpstreamBehaviour = (req: UpstreamRequest, res: ServerResponse) => void;

/** A small OpenAI-compatible chat completions server on loopback, recording what it receives. */
export class FakeUpstream {
  readonly requests: UpstreamRequest[] = [];
  behaviour: UpstreamBehaviour = FakeUpstream.echo;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeUpstream> {
    const server = createServer();
    const upstream = new FakeUpstream(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        const request = {
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: raw ? JSON.parse(raw) : null,
        };
        upstream.requests.push(request);
        upstream.behaviour(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Answers with the last user message, reversed, as an OpenAI chat completion. */
  static echo: UpstreamBehaviour = (req, res) => {
    const last = req.body.messages[req.body.messages.length - 1].content as string;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: req.body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: [...last].reverse().join('') }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      }),
    );
  };

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
