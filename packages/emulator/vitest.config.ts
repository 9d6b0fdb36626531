import { defineProject } from "vitest/config"
import { testFiles } from "../../vitest.shared.js"

export default defineProject({
  test: {
    name: "emulator",
    ...testFiles,
    // A fresh emulator generates its 2048-bit RSA signing key (about 0.1-1 s, CPU-bound): on two
    // shared cores under load, tests that make one pass vitest's 5 s default without being slow in
    // themselves. Each test still has a limit; the ones that need longer set their own.
    testTimeout: 30_000
  }
})
