import { Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException, type NatsContext } from '@nestjs/microservices';
import { requestContracts, type ParsedRequestOf, type RequestSubject, type ResponseOf } from '@portcullis/contracts';
import { extractTraceContext, inSpan, natsHandledTotal } from '@portcullis/telemetry';
import type { RemoteErrorBody } from './errors';
import { subjectFor } from './namespace';

const logger = new Logger('HandlesRequest');

type Handler<S extends RequestSubject> = (request: ParsedRequestOf<S>) => Promise<ResponseOf<S>>;

/**
 * Marks a method as the handler of a request subject. The method's signature is tied to the subject's
 * contract; the payload is validated before the method runs and the answer before it is sent, and the
 * caller's trace continues in a span around the call.
 */
export function HandlesRequest<S extends RequestSubject>(subject: S) {
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<Handler<S>>): void => {
    const original = descriptor.value;
    if (!original) throw new Error(`@HandlesRequest(${subject}) must decorate a method`);
    const contract = requestContracts[subject];
    const wrapped = async function (this: unknown, raw: unknown, ctx?: NatsContext): Promise<unknown> {
      const hdrs = ctx?.getHeaders?.() as { get(k: string): string } | undefined;
      const parent = extractTraceContext((k) => hdrs?.get(k) || undefined);
      return inSpan(subject, parent, async () => {
        const parsed = contract.request.safeParse(raw);
        if (!parsed.success) {
          natsHandledTotal.inc({ subject, outcome: 'bad_request' });
          const issue = parsed.error.issues[0];
          const body: RemoteErrorBody = {
            code: 'bad_request',
            message: `${issue?.path.join('.') || '(payload)'}: ${issue?.message ?? 'invalid'}`,
          };
          throw new RpcException(body);
        }
        try {
          const answer = contract.response.parse(await original.call(this, parsed.data as ParsedRequestOf<S>));
          natsHandledTotal.inc({ subject, outcome: 'ok' });
          return answer;
        } catch (err) {
          natsHandledTotal.inc({ subject, outcome: 'error' });
          logger.error(`${subject} handler failed: ${(err as Error).message}`, (err as Error).stack);
          // The caller gets a code, not our stack or internals; the detail stays in our own logs and trace.
          const body: RemoteErrorBody = { code: 'handler_error', message: 'the service failed to handle the request' };
          throw new RpcException(body);
        }
      });
    };
    descriptor.value = wrapped as unknown as Handler<S>;
    MessagePattern(subjectFor(subject))(target, key, descriptor);
    // Without explicit parameter decorators Nest passes only the payload; the context carries the headers.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}
