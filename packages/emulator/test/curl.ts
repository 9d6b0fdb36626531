/**
 * Runs the `curl` commands of a Markdown section as written, with `fetch`: the README's shell
 * blocks are not type-checked, so a test runs them. Only what the README uses is understood
 * (quotes, `$VAR` / `${VAR}`, `\` line continuations, `-s -X -H -d`); anything else throws, so
 * that a README change the test cannot follow fails instead of passing unchecked.
 */

/** The `curl` command lines of the ```sh blocks of the section under `heading`, continuations joined. */
export const curlCommands = (markdown: string, heading: string): Array<string> => {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`no section ${heading}`)
  const end = markdown.indexOf("\n## ", start + heading.length + 2)
  const section = markdown.slice(start, end < 0 ? undefined : end)
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]!
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .filter((line) => line.startsWith("curl "))
  )
}

/** The words of a command line as `sh` would split and expand them. */
export const words = (line: string, env: Readonly<Record<string, string>>): Array<string> => {
  const out: Array<string> = []
  let word: string | undefined
  let i = 0
  const expand = (): void => {
    const match = /^\$(?:\{(\w+)\}|(\w+))/.exec(line.slice(i))
    if (match === null) throw new Error(`cannot expand ${line.slice(i, i + 20)}`)
    const name = (match[1] ?? match[2])!
    if (!(name in env)) throw new Error(`$${name} is not one of the printed variables`)
    word = (word ?? "") + env[name]
    i += match[0].length
  }
  while (i < line.length) {
    const c = line[i]!
    if (c === "'") {
      const close = line.indexOf("'", i + 1)
      if (close < 0) throw new Error(`unclosed ' in ${line}`)
      word = (word ?? "") + line.slice(i + 1, close)
      i = close + 1
    } else if (c === '"') {
      word ??= ""
      i++
      while (line[i] !== '"') {
        if (i >= line.length) throw new Error(`unclosed " in ${line}`)
        if (line[i] === "$") expand()
        else if (line[i] === "\\") {
          word += line[i + 1]
          i += 2
        } else word += line[i++]
      }
      i++
    } else if (c === "$") expand()
    else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word)
      word = undefined
      i++
    } else {
      word = (word ?? "") + c
      i++
    }
  }
  if (word !== undefined) out.push(word)
  return out
}

/** What one command answered. */
export interface CurlReply {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly body: string
}

/** Runs one `curl` command (its words) with `fetch`, as curl would send it. */
export const curl = async (argv: ReadonlyArray<string>): Promise<CurlReply> => {
  if (argv[0] !== "curl") throw new Error(`not a curl command: ${argv.join(" ")}`)
  let method: string | undefined
  let url: string | undefined
  let data: string | undefined
  const headers = new Headers()
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!
    const next = () => {
      const value = argv[++i]
      if (value === undefined) throw new Error(`${arg} needs a value`)
      return value
    }
    if (arg === "-s" || arg === "--silent") continue
    else if (arg === "-X" || arg === "--request") method = next()
    else if (arg === "-H" || arg === "--header") {
      const header = next()
      const colon = header.indexOf(":")
      headers.set(header.slice(0, colon).trim(), header.slice(colon + 1).trim())
    } else if (arg === "-d" || arg === "--data") data = next()
    else if (arg.startsWith("-")) throw new Error(`the test's curl does not know ${arg}`)
    else if (url === undefined) url = arg
    else throw new Error(`a second URL: ${arg}`)
  }
  if (url === undefined) throw new Error("no URL")
  // curl's defaults: -d makes a POST of application/x-www-form-urlencoded
  method ??= data === undefined ? "GET" : "POST"
  if (data !== undefined && !headers.has("content-type")) {
    headers.set("content-type", "application/x-www-form-urlencoded")
  }
  const response = await fetch(url, { method, headers, ...(data === undefined ? {} : { body: data }) })
  return { method, url, status: response.status, body: await response.text() }
}
