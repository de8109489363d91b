// Mesh entry point (temporary skeleton while the core lands).
import { DurableObject } from "cloudflare:workers";
export class OrderActor extends DurableObject {}
export class ConnectionActor extends DurableObject {}
export default {
  async fetch() {
    return new Response("ordermesh");
  },
} satisfies ExportedHandler;
