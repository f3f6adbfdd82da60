// Passkeys for key holders (staff pages only): talks to the browser's WebAuthn API.
//
// An enhancement like app.js, but the passkey pages need it: without JavaScript there
// is no way to reach an authenticator, and the pages say so. The server gives the
// options (challenges, the PRF salt) in the form's data-passkey-options attribute; this
// script asks the authenticator, then posts its signed answers and the PRF output in
// the form's hidden fields. No inline script: the service's CSP allows only files
// from the service itself (script-src 'self').
//
//   data-passkey="enrol":   create() a passkey asking for the PRF extension, then get()
//                           on the new passkey for its PRF output over the salt;
//   data-passkey="sign-in": get() with any of the person's passkeys, each with its salt.

const $form = document.querySelector('form[data-passkey]')

/** @param {string} text base64url */
function bytes (text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4)
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

/** @param {ArrayBuffer|Uint8Array} buffer */
function text (buffer) {
  let binary = ''
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function prfInputs (prf) {
  if (!prf) return undefined
  const inputs = {}
  if (prf.eval) inputs.eval = { first: bytes(prf.eval.first) }
  if (prf.evalByCredential) {
    inputs.evalByCredential = {}
    for (const [id, values] of Object.entries(prf.evalByCredential)) {
      inputs.evalByCredential[id] = { first: bytes(values.first) }
    }
  }
  return inputs
}

function creationOptions (json) {
  return {
    ...json,
    challenge: bytes(json.challenge),
    user: { ...json.user, id: bytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })),
    extensions: { prf: {} }
  }
}

function requestOptions (json, onlyId) {
  const allow = onlyId ? [{ type: 'public-key', id: onlyId }] : (json.allowCredentials || []).map((c) => ({ ...c, id: bytes(c.id) }))
  return {
    ...json,
    challenge: bytes(json.challenge),
    allowCredentials: allow,
    extensions: { prf: prfInputs(json.extensions && json.extensions.prf) }
  }
}

/** The JSON a server library reads (PublicKeyCredential.toJSON where the browser has it). */
function credentialJSON (credential) {
  const response = credential.response
  const json = {
    id: credential.id,
    rawId: text(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: {},
    response: { clientDataJSON: text(response.clientDataJSON) }
  }
  if (response.attestationObject) {
    json.response.attestationObject = text(response.attestationObject)
    json.response.transports = response.getTransports ? response.getTransports() : []
  } else {
    json.response.authenticatorData = text(response.authenticatorData)
    json.response.signature = text(response.signature)
    if (response.userHandle) json.response.userHandle = text(response.userHandle)
  }
  return JSON.stringify(json)
}

function prfOutput (credential) {
  const results = credential.getClientExtensionResults().prf
  const first = results && results.results && results.results.first
  return first ? text(first) : null
}

if ($form) {
  const $status = $form.querySelector('.app-passkey__status')
  const $nojs = $form.querySelector('.app-passkey__nojs')
  if ($nojs) $nojs.hidden = true
  const options = JSON.parse($form.getAttribute('data-passkey-options'))
  const supported = window.PublicKeyCredential && navigator.credentials && navigator.credentials.create
  let busy = false

  const say = (message) => {
    $status.textContent = message
    $status.hidden = false
  }
  const fill = (name, value) => { $form.querySelector(`input[name="${name}"]`).value = value }

  $form.addEventListener('submit', async (event) => {
    if ($form.querySelector('input[name="prf"]').value) return // filled: send it
    const $password = $form.querySelector('input[name="current_password"]')
    if ($password && !$password.value) return // the server asks for it first: no passkey is made for nothing
    event.preventDefault()
    if (busy) return
    if (!supported) {
      say($form.getAttribute('data-unsupported'))
      return
    }
    busy = true
    try {
      if ($form.getAttribute('data-passkey') === 'enrol') {
        const made = await navigator.credentials.create({ publicKey: creationOptions(options.create) })
        const enabled = made.getClientExtensionResults().prf
        if (!enabled || enabled.enabled === false) {
          say($form.getAttribute('data-unsupported'))
          return
        }
        const used = await navigator.credentials.get({ publicKey: requestOptions(options.get, made.rawId) })
        const output = prfOutput(used)
        if (!output) {
          say($form.getAttribute('data-unsupported'))
          return
        }
        fill('registration', credentialJSON(made))
        fill('assertion', credentialJSON(used))
        fill('prf', output)
      } else {
        const used = await navigator.credentials.get({ publicKey: requestOptions(options) })
        const output = prfOutput(used)
        if (!output) {
          say($form.getAttribute('data-unsupported'))
          return
        }
        fill('assertion', credentialJSON(used))
        fill('prf', output)
      }
      $form.submit()
    } catch (error) {
      say($form.getAttribute('data-failed'))
    } finally {
      busy = false
    }
  })
}
