// Bounding how long one piece of work may hold its caller, without cancelling it.

/** `work`'s result, or "late" once `ms` have passed (the work itself goes on; its later result is ignored here). */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | "late"> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  return Promise.race([work, late]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}
