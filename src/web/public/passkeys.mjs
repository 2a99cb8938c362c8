// Passkeys (WebAuthn) on "Your second factor" and "Confirm it is you". A passkey can only be made or
// used through the browser's API, so the forms for them stay hidden, and a line says why, unless the
// browser has it; every other form on those pages works without this script. The options come from
// the server in the form (data-passkey-options, with a challenge kept for the session); the browser's
// answer goes back in the form's `credential` field as the JSON the server checks. When the person
// cancels or the browser refuses, the form goes with no answer and the page says what went wrong.
const supported =
  typeof globalThis.PublicKeyCredential?.parseCreationOptionsFromJSON === 'function' &&
  typeof globalThis.PublicKeyCredential?.parseRequestOptionsFromJSON === 'function' &&
  typeof navigator.credentials?.create === 'function'

async function answer(kind, options) {
  const credential =
    kind === 'create'
      ? await navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
        })
      : await navigator.credentials.get({
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
        })
  return credential ? JSON.stringify(credential.toJSON()) : ''
}

if (supported) {
  for (const notice of document.querySelectorAll('[data-passkey-unavailable]')) notice.hidden = true
  for (const section of document.querySelectorAll('[data-passkey-form]')) section.hidden = false
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    const field = form.querySelector('input[name="credential"]')
    const button = form.querySelector('button')
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      if (button) button.disabled = true
      try {
        field.value = await answer(form.dataset.passkey, JSON.parse(form.dataset.passkeyOptions))
      } catch {
        field.value = ''
      }
      form.submit()
    })
  }
}
