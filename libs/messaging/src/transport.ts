import { Transport, type NatsOptions } from '@nestjs/microservices';

/**
 * Reconnect forever: a NATS restart must not need a service restart. While disconnected, requests fail
 * with a timeout and callers deny; they never queue unbounded.
 */
export function natsConnectionOptions(url: string, name: string) {
  return {
    servers: [url],
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: false,
    reconnectBufSize: 1024 * 1024,
    // Every request (a policy decision, each audit acknowledgement) would otherwise capture a stack trace
    // twice in case it fails; our errors name the subject, which is what a failure report needs.
    noAsyncTraces: true,
  };
}

/** The Nest microservice transport for incoming requests; the queue group spreads them over replicas. */
export function natsMicroservice(url: string, serviceName: string): NatsOptions {
  return {
    transport: Transport.NATS,
    options: { ...natsConnectionOptions(url, `${serviceName}-server`), queue: serviceName },
  };
}
