// Progressive enhancement of the confidential report form: the browser does a small proof of work
// (SHA-256 of the form's token and a counter, with the leading zero bits the form asks for), which
// shortens how long the form must have been open. Without JavaScript the form works as it is.
const form = document.querySelector('form[data-proof-of-work]')
const bits = Number(form?.dataset.proofOfWork)
const token = form?.querySelector('input[name="token"]')?.value
const proof = form?.querySelector('input[name="proof"]')

function leadingZeroBits(bytes) {
  let zeroes = 0
  for (const byte of bytes) {
    if (byte === 0) {
      zeroes += 8
      continue
    }
    return zeroes + Math.clz32(byte) - 24
  }
  return zeroes
}

async function work() {
  const encoder = new TextEncoder()
  for (let counter = 0; counter < 100_000_000; counter++) {
    const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${token}:${counter}`))
    if (leadingZeroBits(new Uint8Array(digest)) >= bits) return String(counter)
  }
  return ''
}

if (form && proof && token && bits > 0 && globalThis.crypto?.subtle) {
  work().then((found) => {
    proof.value = found
  })
}
