// Xero-written fixtures read from ../shared/specs/xero at test time: the OpenAPI document's own examples.
import { parseYaml } from "../../workers/sandbox/simulators/xero/yaml";

const files = import.meta.glob("../../../shared/specs/xero/xero_accounting.yaml", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

let components: Record<string, unknown> | null = null;

function text(): string {
  const t = Object.values(files)[0];
  if (!t) throw new Error("xero_accounting.yaml not found");
  return t;
}

/** components.* of xero_accounting.yaml. */
export function xeroComponents(): Record<string, unknown> {
  if (components) return components;
  const t = text();
  components = (parseYaml(t.slice(t.indexOf("\ncomponents:") + 1)) as { components: Record<string, unknown> }).components;
  return components;
}

/**
 * The `400` example of an operation (`createInvoices`, `createPayment`…): Xero's own ValidationException body. The
 * operation's block is read from the paths section between its operationId and the next operation.
 */
export function xero400Example(operationId: string): Record<string, unknown> {
  const t = text();
  const at = t.indexOf(`operationId: ${operationId}\n`);
  if (at < 0) throw new Error(`no operation ${operationId}`);
  const block = t.slice(at, t.indexOf("operationId:", at + 20));
  const start = block.indexOf('        "400":\n');
  if (start < 0) throw new Error(`${operationId} has no 400 response`);
  const lines = block.slice(start).split("\n");
  const body: string[] = [];
  let inExample = false;
  for (const line of lines.slice(1)) {
    if (/^ {0,8}\S/.test(line)) break; // next status code or section
    if (/^ {14}example:\s*$/.test(line)) {
      inExample = true;
      continue;
    }
    if (inExample) {
      if (/^ {0,14}\S/.test(line)) break;
      body.push(line.slice(16));
    }
  }
  return parseYaml(body.join("\n")) as Record<string, unknown>;
}
