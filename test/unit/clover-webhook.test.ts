// Clover notifications: the static X-Clover-Auth code, the URL-verification POST, and one identity per object named.
import { describe, expect, it } from "vitest";
import type { WebhookInput } from "../../shared/connector/contract";
import { clover } from "../../workers/connectors/sources/clover";

type Json = Record<string, unknown>;
const files = import.meta.glob("../fixtures/clover/*.json", { eager: true, import: "default" }) as Record<string, unknown>;
const fixture = <T = Json>(name: string) => structuredClone(files[Object.keys(files).find((k) => k.endsWith(`/${name}`))!]) as T;

const CODE = "0307e264-b33a-4913-88aa-37b10014a0b8";
const hook = clover.webhook!;
const input = (body: unknown, headers: Record<string, string> = { "X-Clover-Auth": CODE }): WebhookInput => ({
  raw: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  headers: new Headers(headers),
  url: "https://mesh.example/webhooks/clover/c1",
  now: new Date(),
});

describe("X-Clover-Auth", () => {
  it("accepts the exact code and refuses another, a longer or shorter one, and none", async () => {
    const body = fixture("notification.order-update.json");
    expect(await hook.verify(input(body), CODE)).toEqual({ ok: true });
    for (const wrong of [CODE.replace("0", "1"), `${CODE}0`, CODE.slice(1)]) expect((await hook.verify(input(body, { "X-Clover-Auth": wrong }), CODE)).ok).toBe(false);
    expect((await hook.verify(input(body, {}), CODE)).ok).toBe(false);
  });
});

describe("the verification POST Clover sends when a webhook URL is registered", () => {
  const verification = fixture("verification.json");

  it("is answered without an auth code (Clover has not issued it yet), names nothing to fetch and is kept for the retailer to read", async () => {
    expect(await hook.verify(input(verification, {}), CODE)).toEqual({ ok: true });
    expect(hook.identifyAll!(input(verification, {}), verification)).toEqual([]);
    const id = hook.identify(input(verification, {}), verification);
    expect(clover.topics[id.topic]).toMatchObject({ kind: "ignore", note: expect.stringMatching(/verification code/) });
    expect(id.sourceOrderId).toBeUndefined();
  });

  it("only in exactly that shape: anything else without the header is refused", async () => {
    expect((await hook.verify(input({ ...verification, merchants: {} }, {}), CODE)).ok).toBe(false);
    expect((await hook.verify(input({ verificationCode: 5 }, {}), CODE)).ok).toBe(false);
    expect((await hook.verify(input("not json", {}), CODE)).ok).toBe(false);
  });
});

describe("identifyAll", () => {
  it("gives one identity per object: orders by id to fetch, other objects unmapped, dedup id objectId + type + ts", () => {
    const body = fixture<{ merchants: Record<string, Array<{ objectId: string; type: string; ts: number }>> }>("notification.batch.json");
    const objects = Object.values(body.merchants).flat();
    const ids = hook.identifyAll!(input(body), body);
    expect(ids).toHaveLength(objects.length);
    ids.forEach((id, i) => {
      const o = objects[i]!;
      expect(id.eventId).toBe(`${o.objectId}/${o.type}/${o.ts}`);
      expect(id.topic).toBe(`${o.objectId.split(":")[0]}:${o.type}`);
      expect(id.occurredAt).toBe(new Date(o.ts).toISOString());
      if (o.objectId.startsWith("O:")) {
        expect(id.sourceOrderId).toBe(o.objectId.slice(2));
        expect(clover.topics[id.topic]?.kind).toBe("fetch");
      } else {
        expect(id.sourceOrderId).toBeUndefined();
        expect(clover.topics[id.topic]).toBeUndefined();
      }
    });
  });

  it("a body in neither documented shape is unreadable (quarantined by the mesh)", () => {
    expect(() => hook.identify(input({ merchants: { M: [{ objectId: "no-key", type: "UPDATE", ts: 1 }] } }), { merchants: { M: [{ objectId: "no-key", type: "UPDATE", ts: 1 }] } })).toThrow(/documented format/);
  });
});
