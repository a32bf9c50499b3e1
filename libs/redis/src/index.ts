export { RedisModule, RedisReadiness, REDIS } from './redis.module';
