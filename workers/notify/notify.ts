// Notifications: status changes for customers and staff, posted to the retailer's NOTIFY_WEBHOOK_URL when set.
import { NotifyMessage } from "../order-actor/messages";

const TEMPLATES: Record<string, (n: NotifyMessage) => string> = {
  paid: (n) => `Order ${n.orderNumber} is paid. Thank you!`,
  packing: (n) => `Order ${n.orderNumber} is being packed.`,
  shipped: (n) => `Order ${n.orderNumber} has shipped.`,
  delivered: (n) => `Order ${n.orderNumber} was delivered.`,
  cancelled: (n) => `Order ${n.orderNumber} was cancelled.`,
  returned: (n) => `Order ${n.orderNumber}: return received.`,
  refunded: (n) => `Order ${n.orderNumber} was refunded.`,
};

export async function handleNotifyBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const m of batch.messages) {
    const parsed = NotifyMessage.safeParse(m.body);
    if (!parsed.success) {
      console.warn(JSON.stringify({ level: "warn", scope: "notify", msg: "unreadable notification dropped", id: m.id }));
      m.ack();
      continue;
    }
    const n = parsed.data;
    const text = TEMPLATES[n.to]?.(n);
    if (!text) {
      m.ack();
      continue;
    }
    const url = (env as Env & { NOTIFY_WEBHOOK_URL?: string }).NOTIFY_WEBHOOK_URL;
    if (!url) {
      console.log(JSON.stringify({ level: "info", scope: "notify", orderKey: n.orderKey, to: n.to, text }));
      m.ack();
      continue;
    }
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ orderKey: n.orderKey, orderNumber: n.orderNumber, status: n.to, previous: n.from, customerEmail: n.customerEmail, text }),
      });
      if (res.ok) m.ack();
      else m.retry({ delaySeconds: Math.min(600, 2 ** m.attempts) });
    } catch {
      m.retry({ delaySeconds: Math.min(600, 2 ** m.attempts) });
    }
  }
}
