import { defineProject } from "vitest/config"
import { testFiles } from "../../vitest.shared.js"

export default defineProject({
  test: {
    name: "redis",
    ...testFiles
  }
})
