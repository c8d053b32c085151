import type { ConnectionLink, LinkEvents } from '@omni/connection';
import WebSocket from 'ws';

/** One WebSocket of a configured platform, as `ManagedConnection` drives it. */
export interface WsLink extends ConnectionLink {
  /** True while the socket is open (frames can be sent). */
  readonly isOpen: boolean;
  /** Sends one text frame; throws when the socket is not open. */
  send(text: string): void;
}

/** What the owner of a {@link WsLink} hears from it. */
export interface WsLinkHooks {
  /** A frame arrived on the current link: its text, or `undefined` for a binary frame. */
  readonly frame: (text: string | undefined) => void;
  /** The socket closed; called before `events.closed`, so the owner can fail its waiting requests first. */
  readonly closed?: (detail: string) => void;
}

/**
 * Opens a WebSocket to `url` and wires it to `events`: pongs and frames count as traffic (the stale
 * check), `closed` carries the close code and the socket's last error (e.g. `Max payload size exceeded`). `maxPayload` bounds a frame (a bigger one closes the socket
 * with 1009); `handshakeTimeoutMs` bounds the opening handshake.
 */
export function openWsLink(
  url: string,
  events: LinkEvents,
  hooks: WsLinkHooks,
  limits: { readonly maxPayload: number; readonly handshakeTimeoutMs: number },
): WsLink {
  const ws = new WebSocket(url, {
    maxPayload: limits.maxPayload,
    handshakeTimeout: limits.handshakeTimeoutMs,
  });
  ws.on('open', () => events.opened());
  ws.on('pong', () => events.received());
  ws.on('message', (data, isBinary) => {
    if (events.received()) hooks.frame(isBinary ? undefined : data.toString());
  });
  let lastError: string | undefined;
  ws.on('error', (err) => {
    // 'close' follows every error; the connection decides what happens next there.
    lastError = err.message;
  });
  ws.on('close', (code) => {
    const detail = `socket closed (code ${code}${lastError === undefined ? '' : `: ${lastError}`})`;
    hooks.closed?.(detail);
    events.closed(detail);
  });
  return {
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    send: (text) => {
      if (ws.readyState !== WebSocket.OPEN) throw new Error('the socket is not open');
      ws.send(text);
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    ping: () => {
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    },
    destroy: () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    },
  };
}
