/**
 * Every one of the spec's 249 operations, called once through the SDK over NodeHttpClient
 * (undici) against Prism, a third-party validator and mock server started from the same spec
 * (dynamic mode, fixed seed):
 *
 * - Prism must find no violation in any request the SDK builds (its `sl-violations` header);
 * - every response Prism generates that is valid for the spec (checked with ajv) must decode;
 * - the responses Prism generates that are NOT valid for the spec are listed below with the spec
 *   defect behind them, and the list is checked both ways (no stale entries, no new ones).
 */
import { ClerkClient } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { callOperation, fixtures, groupOf } from "../fixtures.js"
import * as Prism from "./Prism.js"
import * as SpecValidator from "./SpecValidator.js"

const SAML_DEFECT =
  "the spec requires `authenticatable` and `disable_jit_provisioning` without defining them " +
  "(SAMLConnection / EnterpriseConnection); Prism leaves them out, so its body breaks the spec's own " +
  "`required`. The generator's overrides make them optional booleans, so the SDK decodes it."

/**
 * Operations whose Prism response is invalid for the spec, and why. Prism generates bodies from
 * the spec's schemas, so each entry is a defect of the spec, or a shape of it that Prism's
 * generator (json-schema-faker) does not follow. Each of them still decodes in the SDK, which the
 * test checks too.
 */
export const INVALID_PRISM_RESPONSES: Readonly<Record<string, string>> = {
  ListSAMLConnections: SAML_DEFECT,
  CreateSAMLConnection: SAML_DEFECT,
  GetSAMLConnection: SAML_DEFECT,
  UpdateSAMLConnection: SAML_DEFECT,
  ListEnterpriseConnections: SAML_DEFECT,
  CreateEnterpriseConnection: SAML_DEFECT,
  GetEnterpriseConnection: SAML_DEFECT,
  UpdateEnterpriseConnection: SAML_DEFECT,
  RevokeInvitation:
    "`Invitation.Revoked` narrows `status` to `revoked` through an `allOf` on top of `Invitation`, whose " +
    "`status` enum allows more; json-schema-faker takes the first member's enum and answers e.g. " +
    "`pending`. The SDK decodes it (response enums are open)."
}

const validator = SpecValidator.make()

interface Seen {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

const invalid: Array<string> = []

layer(Prism.layer({ seed: 20260512 }), { timeout: "120 seconds", excludeTestServices: true })(
  "every operation against Prism",
  (it) => {
    for (const fixture of fixtures) {
      it.effect(`${fixture.service}.${fixture.method} (${fixture.operationId})`, () =>
        Effect.gen(function* () {
          const prism = yield* Prism.Prism
          const seen: Array<Seen> = []
          const client = ClerkClient.layer({
            secretKey: Redacted.make("sk_test_prism"),
            baseUrl: prism.url,
            // Keep the raw answer, and hand the SDK a fresh response with the same bytes: the SDK
            // reads the body as a stream, which undici cannot give again once read as text.
            transformClient: HttpClient.transformResponse(
              Effect.flatMap((response) =>
                Effect.map(response.text, (text) => {
                  seen.push({ status: response.status, headers: response.headers, text })
                  return HttpClientResponse.fromWeb(
                    response.request,
                    new Response(text === "" ? null : text, { status: response.status, headers: response.headers })
                  )
                })
              )
            )
          }).pipe(Layer.provide(NodeHttpClient.layerUndici))
          const outcome = yield* callOperation(fixture).pipe(
            Effect.provide(groupOf(fixture).layer.pipe(Layer.provide(client))),
            // Prism never answers some malformed requests: bound every call.
            Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("Prism did not answer") }),
            Effect.either
          )

          expect(seen.length, outcome._tag === "Left" ? String(outcome.left) : "").toBe(1)
          const response = seen[0]!
          const violations = Prism.requestViolations(response.headers).map(
            (v) => `${v.location.join(".")}: ${v.message}`
          )
          expect(violations.join("\n")).toBe("")
          expect(response.status).toBe(fixture.response.status)

          const body = response.text === "" ? undefined : JSON.parse(response.text)
          const verdict = validator.validateResponse(fixture.operationId, response.status, body)
          if (verdict.valid) {
            expect(fixture.operationId in INVALID_PRISM_RESPONSES).toBe(false)
          } else {
            invalid.push(`${fixture.operationId}: ${verdict.errors}`)
            expect(INVALID_PRISM_RESPONSES[fixture.operationId], verdict.errors).toBeDefined()
          }
          // Every spec-valid response decodes, and so do the listed invalid ones.
          expect(outcome._tag === "Right" ? "decoded" : String(outcome.left)).toBe("decoded")
        })
      )
    }

    it.effect("lists the operations whose Prism response is invalid for the spec", () =>
      Effect.sync(() => {
        expect(invalid.map((line) => line.split(":")[0]).sort()).toEqual(Object.keys(INVALID_PRISM_RESPONSES).sort())
      })
    )
  }
)
