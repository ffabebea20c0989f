/*
 * A platform's message queue as a WebSocket message channel serves it (Taobao TMC, Pinduoduo):
 * a message goes to a connected client and stays until acknowledged; what is unacknowledged is
 * resent after ackTimeoutMs, and all of it to a client that (re)connects.
 */
export interface Queued<M> {
  message: M;
  deliveries: number;
  acked: boolean;
  lastSentAt: number;
}

export class MessageQueue<M extends { id: string }, C> {
  readonly entries: Queued<M>[] = [];
  private readonly clients = new Set<C>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly send: (client: C, message: M) => void,
    private readonly ackTimeoutMs: number,
  ) {
    this.timer = setInterval(() => this.redeliver(), Math.max(10, Math.floor(ackTimeoutMs / 4)));
  }

  get connections(): number {
    return this.clients.size;
  }

  /** A client (re)connected: it gets everything still unacknowledged. */
  connect(client: C): void {
    this.clients.add(client);
    for (const entry of this.entries) if (!entry.acked) this.deliver(client, entry);
  }

  disconnect(client: C): void {
    this.clients.delete(client);
  }

  publish(message: M): void {
    const entry: Queued<M> = { message, deliveries: 0, acked: false, lastSentAt: 0 };
    this.entries.push(entry);
    const client = this.first();
    if (client !== undefined) this.deliver(client, entry);
  }

  ack(id: string): void {
    const entry = this.entries.find((e) => e.message.id === id);
    if (entry) entry.acked = true;
  }

  /** Resends what is overdue (a client's pull request asks for the same). */
  redeliver(): void {
    const client = this.first();
    if (client === undefined) return;
    const now = Date.now();
    for (const entry of this.entries) if (!entry.acked && now - entry.lastSentAt >= this.ackTimeoutMs) this.deliver(client, entry);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private first(): C | undefined {
    return this.clients.values().next().value;
  }

  private deliver(client: C, entry: Queued<M>): void {
    entry.deliveries++;
    entry.lastSentAt = Date.now();
    this.send(client, entry.message);
  }
}
