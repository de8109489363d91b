// Bindings only the test pool adds (migrations list).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
declare namespace Cloudflare {
  interface Env {
    SIMULATE_SEED?: string;
    SIMULATE_MINUTES?: string;
  }
}
