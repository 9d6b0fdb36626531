/**
 * The test projects: one per package (each has its own vitest.config.ts), the examples and the
 * bench. The root vitest.config.ts reads this list as its `projects` (vitest 3.2's replacement for a
 * workspace file), so this file stays the one place that names them.
 */
export default ["packages/*", "examples", "bench"]
