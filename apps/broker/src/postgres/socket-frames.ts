import type { Socket } from 'node:net';
import type { Frame, FrameReader } from '@portcullis/pg-wire';

/** Awaitable frames from a socket during a login handshake; detached before the relay takes over. */
export class SocketFrames {
  private wake?: () => void;
  private ended?: string;
  private readonly onData = (d: Buffer) => {
    this.reader.push(d);
    this.wake?.();
  };
  private readonly onEnd = () => {
    this.ended = 'the client closed the connection';
    this.wake?.();
  };

  constructor(
    private readonly socket: Socket,
    readonly reader: FrameReader,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  /** The next frame; rejects when the peer is gone or nothing comes before the deadline. */
  async next(deadline: number): Promise<Frame> {
    for (;;) {
      const f = this.reader.read();
      if (f) return f;
      if (this.ended) throw new Error(this.ended);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the client');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
  }
}
