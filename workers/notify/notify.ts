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

/**
 * Posts each status change to NOTIFY_WEBHOOK_URL (JSON: orderKey, orderNumber, status, previous, customerEmail, text);
 * a gateway that fails or answers non-2xx gets the message again with backoff (5 retries, then the notify DLQ).
 * Without a URL the batch's notifications are logged, one line per batch.
 */
export async function handleNotifyBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const url = (env as Env & { NOTIFY_WEBHOOK_URL?: string }).NOTIFY_WEBHOOK_URL;
  const logged: Array<{ orderKey: string; to: string; text: string }> = [];
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
    if (!url) {
      logged.push({ orderKey: n.orderKey, to: n.to, text });
      m.ack();
      continue;
    }
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ orderKey: n.orderKey, orderNumber: n.orderNumber, status: n.to, previous: n.from, customerEmail: n.customerEmail, text }),
      });
      await res.arrayBuffer();
      if (res.ok) m.ack();
      else m.retry({ delaySeconds: Math.min(600, 2 ** m.attempts) });
    } catch {
      m.retry({ delaySeconds: Math.min(600, 2 ** m.attempts) });
    }
  }
  if (logged.length > 0) console.log(JSON.stringify({ level: "info", scope: "notify", msg: "no NOTIFY_WEBHOOK_URL: notifications logged only", notifications: logged }));
}
