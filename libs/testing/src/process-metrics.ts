/** The process figures a soak watches, read from a service's Prometheus /metrics. */
export interface ProcessMetrics {
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay since the previous scrape (prom-client resets its histogram on every scrape). */
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  activeHandles: number;
  /** The broker's live sessions (all channels); 0 for the other services. */
  sessions: number;
}

function sum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function processMetrics(httpPort: number): Promise<ProcessMetrics> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!res.ok) throw new Error(`/metrics on port ${httpPort}: ${res.status}`);
  const text = await res.text();
  return {
    rssBytes: sum(text, 'process_resident_memory_bytes'),
    heapUsedBytes: sum(text, 'nodejs_heap_size_used_bytes'),
    eventLoopLagP99Ms: sum(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    eventLoopLagMaxMs: sum(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
    activeHandles: sum(text, 'nodejs_active_handles_total'),
    sessions: sum(text, 'portcullis_broker_sessions'),
  };
}
