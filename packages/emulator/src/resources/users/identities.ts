/**
 * A user's other identities: web3 wallets (delete), external accounts, passkeys and trusted
 * devices, and the profile image (set with a multipart upload, delete).
 *
 * External accounts, passkeys and trusted devices come from sign-ins on the Frontend API, which the
 * emulator does not have: a user has none, so deleting one is a 404, and the trusted devices list
 * and the OAuth access tokens of any provider (`GET /users/{user_id}/oauth_access_tokens/{provider}`,
 * the tokens of the user's external accounts of that provider) are empty. Web3 wallets come from `POST /users` (`web3_wallet`); deleting the primary one moves
 * `primary_web3_wallet_id` to the next wallet, or null.
 *
 * A profile image must be an image (`image/jpeg`, `image/png`, `image/gif`, `image/webp`) of at most
 * 10 MB, as for organization logos (spec `UploadOrganizationLogo`); otherwise a 400
 * `image_invalid`. The emulator keeps no bytes: the user gets `has_image: true` and an `image_url` on
 * the emulated Frontend API naming the upload.
 *
 * @since 0.2.0
 */
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Image from "../../internal/image.js"
import * as Resource from "../../Resource.js"
import * as Records from "./records.js"

const deleted = (object: string, id: string) => ({ object, id, deleted: true })

/**
 * The routes of a user's other identities and profile image.
 *
 * @since 0.2.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(BackendUsers.operations.deleteWeb3Wallet, ({ emulator, path }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), (record) => {
      const id = path.web3_wallet_identification_id
      const wallets = record.json.web3_wallets
      if (!wallets.some((w) => w.id === id)) {
        return Effect.fail(ApiError.notFound(`No web3 wallet was found with id ${id}.`))
      }
      const rest = wallets.filter((w) => w.id !== id)
      const primary =
        record.json.primary_web3_wallet_id === id ? (rest[0]?.id ?? null) : record.json.primary_web3_wallet_id
      Records.patch(emulator, record, { web3_wallets: rest, primary_web3_wallet_id: primary })
      return Effect.succeed(deleted("web3_wallet", id))
    })
  ),
  Resource.route(BackendUsers.operations.deleteExternalAccount, ({ emulator, path }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), () =>
      Effect.fail(ApiError.notFound(`No external account was found with id ${path.external_account_id}.`))
    )
  ),
  Resource.route(BackendUsers.operations.deletePasskey, ({ emulator, path }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), () =>
      Effect.fail(ApiError.notFound(`No passkey was found with id ${path.passkey_identification_id}.`))
    )
  ),
  Resource.route(BackendUsers.operations.listTrustedDevices, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.user_id), () => ({ data: [], total_count: 0 }))
  ),
  Resource.route(BackendUsers.operations.getOAuthAccessToken, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.user_id), () => ({ data: [], total_count: 0 }))
  ),
  Resource.route(BackendUsers.operations.revokeTrustedDevice, ({ emulator, path }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), () =>
      Effect.fail(ApiError.notFound(`No trusted device was found with id ${path.trusted_device_id}.`))
    )
  ),
  Resource.route(BackendUsers.operations.setProfileImage, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const record = yield* Records.get(emulator, path.user_id)
      yield* Image.check(body.file, 400)
      const url = Image.url(emulator)
      return Records.patch(emulator, record, { has_image: true, image_url: url, profile_image_url: url })
    })
  ),
  Resource.route(BackendUsers.operations.deleteProfileImage, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.user_id), (record) => {
      const url = `${emulator.frontendApiUrl}/images/default-avatar.png`
      return Records.patch(emulator, record, { has_image: false, image_url: url, profile_image_url: url })
    })
  )
]
