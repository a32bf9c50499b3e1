// Loaded first by main.ts so the tracer provider exists before any other module creates spans.
import { startTracing } from '@portcullis/telemetry';

startTracing('approval');
