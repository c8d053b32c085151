import type { ConnectionLink, LinkEvents } from '@omni/connection';
import { scrubSecrets } from '@omni/core';
import WebSocket from 'ws';

/** One WebSocket of a DerivClient or DerivFeed. */
export interface DerivLink extends ConnectionLink {
  readonly socket: WebSocket;
}

/** What a Deriv link reports to its owner besides the connection events. */
export interface DerivLinkHandlers {
  /** One text frame (already within `maxFrameBytes`). */
  readonly onText: (text: string) => void;
  /** A frame over `maxFrameBytes` arrived: ws refuses it and closes the socket (code 1009). */
  readonly onOversized: () => void;
  /** The socket closed (before `events.closed`, so the owner can fail what waited on it). */
  readonly onLost?: (link: DerivLink, detail: string) => void;
  /** Sends the protocol's keep-alive (`{"ping":1}`). */
  readonly ping: (link: DerivLink) => void;
}

/**
 * Opens `url` with ws, frames limited to `maxFrameBytes` (ws `maxPayload`), and wires the socket to
 * the connection's `events`. Binary frames are not the Deriv protocol and are passed on as text for
 * the owner's parser to refuse.
 */
export function openDerivLink(
  url: string,
  maxFrameBytes: number,
  events: LinkEvents,
  handlers: DerivLinkHandlers,
): DerivLink {
  const ws = new WebSocket(url, { maxPayload: maxFrameBytes });
  const link: DerivLink = {
    socket: ws,
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    ping: () => handlers.ping(link),
    destroy: () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    },
  };
  ws.on('open', () => events.opened());
  ws.on('message', (data) => {
    if (events.received()) handlers.onText(data.toString());
  });
  ws.on('error', (err: Error & { code?: string }) => {
    // 'close' follows every error; reconnecting is handled there.
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') handlers.onOversized();
  });
  ws.on('close', (code) => {
    const detail = `socket closed (code ${code})`;
    handlers.onLost?.(link, detail);
    events.closed(detail);
  });
  return link;
}

/** At most 200 characters of a frame for an alert, with every registered secret scrubbed. */
export function protocolExcerpt(text: string): string {
  const clean = scrubSecrets(text.length > 400 ? text.slice(0, 400) : text);
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
