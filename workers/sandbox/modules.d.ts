// Vendor schema files bundled as text (wrangler [[rules]] Text; esbuild text loader in tests).
declare module "*.xsd" {
  const text: string;
  export default text;
}
declare module "*.xml" {
  const text: string;
  export default text;
}
declare module "*.edmx" {
  const text: string;
  export default text;
}
declare module "*.yaml" {
  const text: string;
  export default text;
}
