// Square's vendor-written fixtures from ../shared/specs/square: the spec's example objects and the SDK signature vectors.
const examples = import.meta.glob("../../../shared/specs/square/examples/*.json", { eager: true, import: "default" }) as Record<string, unknown>;
const vectorFile = import.meta.glob("../../../shared/specs/square/webhook-signature-test-vectors.json", { eager: true, import: "default" }) as Record<string, unknown>;

export type Json = Record<string, unknown>;

/** An `example` object of components.schemas.<name> in api.json ("RetrieveOrderResponse", "OrderUpdatedEvent", …). */
export function squareExample<T = Json>(name: string): T {
  const key = Object.keys(examples).find((k) => k.endsWith(`/${name}.json`));
  if (!key) throw new Error(`no Square example ${name}`);
  return structuredClone(examples[key]) as T;
}

export function squareExampleNames(): string[] {
  return Object.keys(examples).map((k) => k.split("/").pop()!.replace(/\.json$/, ""));
}

export interface SquareSignatureVector {
  signature_key: string;
  notification_url: string;
  raw_body: string;
  expected_x_square_hmacsha256_signature: string;
}

/** The three vectors Square's SDK test suites share (key, notification URL, raw body, expected header). */
export function squareSignatureVectors(): SquareSignatureVector[] {
  const file = Object.values(vectorFile)[0] as { vectors: SquareSignatureVector[] } | undefined;
  if (!file) throw new Error("no Square signature vectors");
  return structuredClone(file.vectors);
}
