import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

/**
 * Where an MCP tool reaches one of this broker's own protocol listeners. MCP tools for Kubernetes and SSH
 * are clients of those listeners rather than second implementations of them: the agent's token goes in
 * exactly as from kubectl or ssh, and the call takes the one path of decision, approval, masking, recording
 * and audit that the native protocol takes.
 */
export function ownHost(): string {
  const bind = process.env.PORTCULLIS_BIND ?? '127.0.0.1';
  return bind === '0.0.0.0' || bind === '::' || bind === '' ? '127.0.0.1' : bind;
}

/**
 * Pins the TLS peer to the broker's own certificate: the token is only ever sent to this broker, whatever
 * CA signed its certificate (a configured certificate need not be self-signed).
 */
export function pinnedTo(certPem: string): (socket: TLSSocket) => boolean {
  const expected = new X509Certificate(certPem).fingerprint256;
  return (socket) => socket.getPeerCertificate().fingerprint256 === expected;
}
