/**
 * A lingering close, as web servers do it: when a request is refused before its body was read (401, 413, 415, 503),
 * the answer goes out with `Connection: close`, and the connection is then closed in two steps. First the sending
 * side only (the client reads the whole answer and then the end of the stream); meanwhile whatever the client still
 * sends is read and thrown away. Only once it has sent everything, or a bound is reached, is the socket closed.
 *
 * Closing at once instead would leave the client's unsent bytes arriving at a closed socket: the operating system
 * answers them with a reset, which can throw away the answer the client has not read yet, so the client sees
 * `ECONNRESET` or `EPIPE` instead of the refusal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LingerBounds {
  /** Body bytes read and discarded at most, after the refusal; the connection is closed at once beyond them. */
  maxBytes: number;
  /** How long the client may take to finish sending, counted from the refusal. */
  maxMs: number;
}

/**
 * Arranges the lingering close of a request that is refused while its body is unread. The caller sets
 * `Connection: close` on the answer. Does nothing for a request whose body has arrived whole.
 */
export function lingerAfterRefusal(req: IncomingMessage, res: ServerResponse, bounds: LingerBounds): void {
  const socket = req.socket;
  if (req.complete || socket.destroyed) return;
  let answered = false;
  let drained = false;
  let read = 0;
  const close = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const closeWhenDone = () => {
    if (answered && drained) close();
  };
  const timer = setTimeout(close, bounds.maxMs);
  timer.unref();
  // Node closes a `Connection: close` socket once the answer is written, by `destroySoon` (end, then destroy). Here
  // it only ends the sending side; the socket is destroyed by `close` (HTTP server sockets allow half-open).
  socket.destroySoon = function lingeringEnd(this: typeof socket) {
    if (this.writable) this.end();
  };
  // The answer is out once the ended sending side has flushed (a destroy before that would drop its last bytes).
  socket.once('finish', () => {
    answered = true;
    closeWhenDone();
  });
  // A client that goes away, or an answer that could not be written, ends the wait at once.
  res.once('close', () => {
    if (!res.writableFinished) close();
  });
  socket.once('close', () => clearTimeout(timer));
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > bounds.maxBytes) close();
  });
  req.once('end', () => {
    drained = true;
    closeWhenDone();
  });
  // The client half-closing without finishing its body: nothing more will come.
  socket.once('end', () => {
    drained = true;
    closeWhenDone();
  });
  req.resume();
}
