/**
 * The handler as a Cloudflare Worker (module syntax), run by `workerd` in `pnpm test:runtimes`.
 * A Worker has no process environment (without `nodejs_compat`): its configuration is the `env`
 * argument of `fetch`, given to effect's `Config` with `ConfigProvider.fromJson(env)`. The handler,
 * and with it the Clerk client, is made on the first request and kept for the isolate's life.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import { makeHandler } from "./handler.js"

let handler: ((request: Request) => Promise<Response>) | undefined

export default {
  fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    handler ??= makeHandler({ configProvider: ConfigProvider.fromJson(env) })
    return handler(request)
  }
}
