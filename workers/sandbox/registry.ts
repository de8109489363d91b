// Every simulator the sandbox serves, by connector slug.
import type { Simulator } from "./kit";

export const SIMULATORS: Record<string, Simulator> = {};
